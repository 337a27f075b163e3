// Payment by outcomes for council officers (and a provider admin's own line): a closed period's top-slice,
// each measure's result against its target, what is released and withheld, and the clients' statements.
import * as api from "../api.js";
import { table } from "../charts.js";
import { field, h, message, options, replace } from "../dom.js";
import { locale, t } from "../i18n.js";
import { icon } from "../icons.js";

function money(pence) {
  return new Intl.NumberFormat(locale(), { style: "currency", currency: "GBP" }).format(pence / 100);
}

function resultCell(m) {
  if (m.target_met === null) return h("span", { class: "muted" }, t("outcomes.payments.noCases"));
  return h("span", {}, t("outcomes.payments.resultValue", { met: m.met, cases: m.cases, percent: m.result_percent }), " ",
    h("span", { class: `chip ${m.target_met ? "tone-done" : "tone-late"}` }, icon(m.target_met ? "check" : "alert"),
      t(m.target_met ? "outcomes.payments.met" : "outcomes.payments.missed")));
}

function summary(line) {
  const numbers = [
    ["outcomes.payments.paid", line.paid_pence, {}],
    ["outcomes.payments.retained", line.retained_pence, { percent: line.top_slice_percent }],
    ["outcomes.payments.released", line.released_pence, {}],
    ["outcomes.payments.withheld", line.withheld_pence, {}],
    ["outcomes.payments.payable", line.payable_pence, {}],
  ];
  return h("dl", { class: "numbers outcome-numbers" }, numbers.flatMap(([key, pence, vars]) =>
    [h("dt", {}, t(key, vars)), h("dd", { dataset: { testid: key.split(".").pop() } }, money(pence))]));
}

function measuresTable(line) {
  return table({
    caption: t("outcomes.payments.measures", { provider: line.provider }),
    head: ["measure", "target", "weight", "result", "share", "released"].map((k) => t(`outcomes.payments.${k}`)),
    rows: line.measures.map((m) => [
      t(`outcomes.measure.${m.name}`),
      `${m.target_percent}% (${t(m.release === "pro_rata" ? "outcomes.payments.proRata" : "outcomes.payments.onTarget")})`,
      String(m.weight), resultCell(m), money(m.share_pence), money(m.released_pence)]),
  });
}

function lineCard(line) {
  return h("article", { class: "panel outcome-line" },
    summary(line), measuresTable(line),
    h("details", {}, h("summary", {}, t("outcomes.payments.explanation")),
      h("ol", { class: "explanation" }, line.explanation.map((step) => h("li", {}, step)))));
}

function statementLinks(clients) {
  return h("section", { class: "panel", "aria-labelledby": "statements-title" },
    h("h2", { id: "statements-title" }, t("outcomes.payments.statements")),
    h("p", { class: "hint" }, t("outcomes.payments.statementsHint")),
    h("ul", { class: "plain-list statement-links" }, clients.map((c) => h("li", {},
      h("a", { class: "btn btn--quiet", href: `#/clients/${c.id}/outcomes` }, `${c.name}${c.reference ? ` (${c.reference})` : ""}`)))));
}

export async function render(main, { user }) {
  let periods, contracts, clients;
  try {
    [periods, contracts, clients] = await Promise.all(
      ["/api/v1/periods", "/api/v1/contracts", "/api/v1/clients"].map((path) => api.get(path)));
  } catch (err) {
    main.append(message("error", err.message));
    return;
  }
  const references = new Map(contracts.map((c) => [c.id, c.reference]));
  const period = h("select", { required: true }, options([...periods].reverse().map((p) => [p.id, t("outcomes.payments.periodOption", {
    contract: references.get(p.contract_id) || p.contract_id, from: p.date_from, to: p.date_to, ruleSet: p.rule_set })])));
  const result = h("div", { class: "outcome-pay", "aria-live": "polite" });
  const csv = h("button", { class: "btn", type: "button", disabled: !periods.length }, icon("download"), t("outcomes.payments.csv"));
  const form = h("form", { class: "panel" },
    h("div", { class: "filters" }, field(t("outcomes.payments.period"), period),
      h("div", { class: "row-actions" },
        h("button", { class: "btn btn--primary", type: "submit", disabled: !periods.length }, t("outcomes.payments.show")), csv)));
  main.append(h("section", { "aria-labelledby": "outcome-pay-title" },
    h("h1", { id: "outcome-pay-title" }, t("outcomes.payments.title")),
    h("p", {}, t("outcomes.payments.intro")),
    user.role === "council_officer"
      ? h("p", {}, h("a", { class: "btn btn--quiet btn--small", href: "#/council/periods" }, t("outcomes.payments.back"))) : null,
    periods.length ? form : message("warn", t("outcomes.payments.noPeriods")),
    result));

  async function show() {
    replace(result, h("p", { class: "muted" }, t("outcomes.payments.loading")));
    try {
      const answer = await api.get(`/api/v1/periods/${period.value}/outcome-payments`);
      const mine = clients.filter((c) => c.contract_id === answer.contract_id);
      replace(result, answer.lines.length ? answer.lines.map(lineCard) : message("warn", t("outcomes.payments.noScheme", { ruleSet: answer.rule_set })),
        mine.length ? statementLinks(mine) : null);
    } catch (err) {
      replace(result, message("error", err.message));
    }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); show(); });
  csv.addEventListener("click", () => api.download(`/api/v1/periods/${period.value}/outcome-payments`, { format: "csv" },
    `caremon-outcome-payments-${period.value}.csv`).catch((err) => replace(result, message("error", err.message))));
  if (periods.length) await show();
}
