// The council officer's closed periods: price one under another rule set and see what the change would cost.
import * as api from "../api.js";
import { table } from "../charts.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { BILLING_FLAGS, FLAGS } from "../labels.js";

function money(pence) {
  const sign = pence < 0 ? "−" : "";
  return `${sign}${(Math.abs(pence) / 100).toFixed(2)}`;
}

/** A difference with its sign always shown, a true minus for a fall. */
function signed(value, show = String) {
  if (value > 0) return `+${show(value)}`;
  return value < 0 ? `−${show(-value)}` : show(0);
}

function differenceRows(lines, label) {
  return lines.map((line) => [label(line), `${line.current_minutes} min, ${money(line.current_pence)}`,
    `${line.repriced_minutes} min, ${money(line.repriced_pence)}`,
    h("span", { class: line.difference_pence > 0 ? "up" : line.difference_pence < 0 ? "down" : "" },
      `${signed(line.difference_minutes)} min, ${signed(line.difference_pence, money)}`)]);
}

function summary(result) {
  const { paid, current, repriced, difference } = result;
  return h("div", { class: "card repricing-summary" },
    h("p", {}, `Period ${result.date_from} to ${result.date_to}, contract ${result.contract_reference}.`),
    h("dl", { class: "numbers" },
      h("dt", {}, `Paid when closed (${result.rule_set})`), h("dd", {}, `${paid.payable_minutes} min, ${money(paid.amount_pence)}`),
      h("dt", {}, `Priced now under ${result.rule_set}`), h("dd", {}, `${current.payable_minutes} min, ${money(current.amount_pence)}`),
      h("dt", {}, `Under ${result.repriced_rule_set}`), h("dd", {}, `${repriced.payable_minutes} min, ${money(repriced.amount_pence)}`),
      h("dt", {}, "Difference"), h("dd", { class: "difference" },
        `${signed(difference.payable_minutes)} min, ${signed(difference.amount_pence, money)}`)));
}

function breakdown(result, providerNames) {
  const head = (first) => [first, `Under ${result.rule_set}`, `Under ${result.repriced_rule_set}`, "Difference"];
  const provider = (l) => providerNames.get(l.provider_id) || `Provider ${l.provider_id}`;
  return [
    table({ caption: "By provider", head: head("Provider"), rows: differenceRows(result.by_provider, provider) }),
    table({ caption: "By client", head: head("Client"), rows: differenceRows(result.by_client, (l) => l.client_reference || "—") }),
    table({ caption: "By flag", head: head("Flag"), rows: differenceRows(result.by_flag, (l) => FLAGS[l.flag] || BILLING_FLAGS[l.flag] || l.flag),
      note: "A row with several flags counts under each." }),
  ];
}

export async function render(main) {
  let periods, ruleSets, contracts;
  try {
    [periods, ruleSets, contracts] = await Promise.all(
      ["/api/v1/periods", "/api/v1/payment-rule-sets", "/api/v1/contracts"].map((path) => api.get(path)));
  } catch (err) {
    main.append(message("error", err.message));
    return;
  }
  const references = new Map(contracts.map((c) => [c.id, c.reference]));
  const providerNames = new Map(contracts.map((c) => [c.provider_id, c.provider_name]));
  const period = h("select", { required: true }, options(periods.map((p) =>
    [p.id, `${references.get(p.contract_id) || `Contract ${p.contract_id}`}: ${p.date_from} to ${p.date_to} (${p.rule_set})`])));
  const ruleSet = h("select", { required: true }, options(ruleSets.map((r) => [r.name, `${r.name}: ${r.description}`])));
  const status = h("div", { "aria-live": "polite" });
  const result = h("div", { class: "repricing" });
  const form = h("form", { class: "panel", "aria-labelledby": "reprice-title" },
    h("h2", { id: "reprice-title" }, "Price a closed period under another rule set"),
    h("p", { class: "hint" }, "Nothing is changed: the closed period stays as it was paid."),
    h("div", { class: "filters" }, field("Closed period", period), field("Rule set", ruleSet),
      h("div", {}, h("button", { class: "btn btn--primary", type: "submit", disabled: !periods.length }, "Price it"))),
    status);
  main.append(h("section", { "aria-labelledby": "periods-title" },
    h("h1", { id: "periods-title" }, "Closed periods: what a contract change would cost"),
    h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: "#/council" }, "← Commissioning desk"), " ",
      h("a", { class: "btn btn--small", href: "#/council/outcome-payments" }, t("outcomes.payments.title"))),
    periods.length ? null : message("warn", "No period has been closed yet."),
    form, result));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(status, h("p", { class: "muted" }, "Pricing…"));
    try {
      const answer = await api.get(`/api/v1/periods/${period.value}/repricing`, { rule_set: ruleSet.value });
      replace(status);
      replace(result, summary(answer), breakdown(answer, providerNames));
    } catch (err) {
      replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
    }
  });
}
