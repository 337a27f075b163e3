// The council officer's payment periods: close the next one (its dates picked so it holds the care delivered), see
// each closed period's adjustments, and price a closed period under another rule set to cost a contract change.
import * as api from "../api.js";
import { table } from "../charts.js";
import { contractOptions, dataTable, dateRange, deskNav, money, shortDate, signed } from "../council-desk.js";
import { field, h, message, options, replace } from "../dom.js";
import { clearErrors, showErrors, showServerErrors } from "../field-errors.js";
import { t } from "../i18n.js";
import { BILLING_FLAGS, FLAGS } from "../labels.js";

function differenceRows(lines, label) {
  return lines.map((line) => [label(line), t("council.min_money", { minutes: line.current_minutes, amount: money(line.current_pence) }),
    t("council.min_money", { minutes: line.repriced_minutes, amount: money(line.repriced_pence) }),
    h("span", { class: line.difference_pence > 0 ? "up" : line.difference_pence < 0 ? "down" : "" },
      t("council.min_money", { minutes: signed(line.difference_minutes), amount: signed(line.difference_pence, money) }))]);
}

function repricingSummary(result) {
  const { paid, current, repriced, difference } = result;
  const side = (s) => t("council.min_money", { minutes: s.payable_minutes, amount: money(s.amount_pence) });
  return h("div", { class: "card repricing-summary" },
    h("p", {}, t("council.reprice_about", { dates: dateRange(result.date_from, result.date_to),
      contract: result.contract_reference })),
    h("dl", { class: "numbers" },
      h("dt", {}, t("council.reprice_paid", { rules: result.rule_set })), h("dd", {}, side(paid)),
      h("dt", {}, t("council.reprice_now", { rules: result.rule_set })), h("dd", {}, side(current)),
      h("dt", {}, t("council.reprice_under", { rules: result.repriced_rule_set })), h("dd", {}, side(repriced)),
      h("dt", {}, t("council.difference")), h("dd", { class: "difference" }, t("council.min_money", {
        minutes: signed(difference.payable_minutes), amount: signed(difference.amount_pence, money) }))));
}

function breakdown(result, providerNames) {
  const head = (first) => [first, t("council.reprice_under", { rules: result.rule_set }),
    t("council.reprice_under", { rules: result.repriced_rule_set }), t("council.difference")];
  const provider = (l) => providerNames.get(l.provider_id) || `#${l.provider_id}`;
  return [
    table({ caption: t("council.by_provider"), head: head(t("council.provider")), rows: differenceRows(result.by_provider, provider) }),
    table({ caption: t("council.by_client"), head: head(t("council.col_client")),
      rows: differenceRows(result.by_client, (l) => l.client_reference || "—") }),
    table({ caption: t("council.by_flag"), head: head(t("council.flag")),
      rows: differenceRows(result.by_flag, (l) => FLAGS[l.flag] || BILLING_FLAGS[l.flag] || l.flag),
      note: t("council.by_flag_note") }),
  ];
}

function adjustmentTable(caption, rows, empty) {
  return dataTable({
    caption, empty,
    head: [t("council.col_date"), t("council.col_client"), t("council.col_visit"), t("council.col_payable"), t("council.col_detail")],
    rows: rows.map((r) => ({ cells: [shortDate(r.date), r.client_reference || "—", r.visit_id ?? "—",
      t("council.min_money", { minutes: signed(r.payable_minutes), amount: signed(r.amount_pence, money) }), r.detail || "—"] })),
  });
}

function adjustmentsView(answer, reference) {
  const p = answer.period;
  return h("section", { class: "panel adjustments", "aria-labelledby": "adjust-title", dataset: { periodId: p.id } },
    h("h2", { id: "adjust-title", tabindex: "-1" }, t("council.adjust_title", { contract: reference, dates: dateRange(p.date_from, p.date_to) })),
    h("p", { class: "hint" }, t("council.adjust_intro")),
    adjustmentTable(t("council.adjust_pending"), answer.pending, t("council.adjust_none_pending")),
    adjustmentTable(t("council.adjust_later"), answer.later, t("council.adjust_none_later")),
    adjustmentTable(t("council.adjust_carried"), answer.carried, t("council.adjust_none_carried")));
}

/** The close form: a contract, dates filled from the next period the server suggests, and a second tap to confirm. */
function closeForm(contracts, onClosed) {
  const contract = h("select", { required: true }, options(contractOptions(contracts)));
  const from = h("input", { type: "date", required: true });
  const to = h("input", { type: "date", required: true });
  const about = h("p", { class: "hint", "aria-live": "polite" });
  const status = h("div", { "aria-live": "polite" });
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, t("council.close_period"));
  const form = h("form", { class: "panel", "aria-labelledby": "close-title", novalidate: true },
    h("h2", { id: "close-title" }, t("council.close_title")),
    h("p", { class: "hint" }, t("council.close_intro")),
    h("div", { class: "filters" }, field(t("council.contract"), contract), field(t("council.period_from"), from),
      field(t("council.period_to"), to), h("div", {}, submit)),
    about, status);
  let confirming = false;

  async function suggest() {
    confirming = false;
    replace(status);
    clearErrors(form);
    try {
      const next = await api.get(`/api/v1/contracts/${contract.value}/next-period`);
      [from.value, to.value] = [next.date_from, next.date_to];
      // Nothing has ended since the last close: the button waits until the officer picks other dates.
      submit.disabled = !next.closable;
      replace(about, next.closable
        ? t("council.next_period", { dates: dateRange(next.date_from, next.date_to), visits: next.visits })
        : t("council.nothing_to_close", { date: shortDate(next.closed_to), from: shortDate(next.date_from) }));
    } catch (err) {
      replace(about, message("error", err.message));
    }
  }
  contract.addEventListener("change", suggest);
  for (const input of [from, to]) {
    input.addEventListener("input", () => { confirming = false; submit.disabled = false; replace(status); });
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const problems = [];
    if (!from.value) problems.push([from, t("council.need_date")]);
    if (!to.value) problems.push([to, t("council.need_date")]);
    else if (from.value && to.value < from.value) problems.push([to, t("council.end_before_start")]);
    if (showErrors(form, problems)) return;
    if (!confirming) {
      confirming = true;
      replace(status, message("warn", t("council.confirm_close", { dates: dateRange(from.value, to.value) })));
      submit.focus();
      return;
    }
    submit.disabled = true;
    try {
      const period = await api.post("/api/v1/periods", { contract_id: Number(contract.value), date_from: from.value, date_to: to.value });
      confirming = false;
      replace(status, message("ok", t("council.closed", { dates: dateRange(period.date_from, period.date_to), rows: period.rows,
        amount: money(period.amount_pence) })));
      onClosed(period);
      await suggest();
      replace(status, message("ok", t("council.closed", { dates: dateRange(period.date_from, period.date_to), rows: period.rows,
        amount: money(period.amount_pence) })));
    } catch (err) {
      confirming = false;
      submit.disabled = false;
      const rest = err.status === 422 ? showServerErrors(form, err, { date_from: from, date_to: to, contract_id: contract })
        : err.message;
      replace(status, rest ? message("error", rest) : null);
    }
  });
  return { form, ready: suggest() };
}

function repriceForm(periods, ruleSets, references, providerNames) {
  const period = h("select", { required: true });
  const ruleSet = h("select", { required: true }, options(ruleSets.map((r) => [r.name, `${r.name}: ${r.description}`])));
  const status = h("div", { "aria-live": "polite" });
  const result = h("div", { class: "repricing" });
  const submit = h("button", { class: "btn btn--primary", type: "submit" }, t("council.price_it"));
  const form = h("form", { class: "panel", "aria-labelledby": "reprice-title" },
    h("h2", { id: "reprice-title" }, t("council.reprice_title")),
    h("p", { class: "hint" }, t("council.reprice_intro")),
    h("div", { class: "filters" }, field(t("council.closed_period"), period), field(t("council.rule_set"), ruleSet),
      h("div", {}, submit)),
    status);
  function fill(list) {
    // Newest first, so the period chosen at the start is the latest one closed.
    const sorted = list.slice().sort((a, b) => b.date_to.localeCompare(a.date_to) || b.id - a.id);
    replace(period, options(sorted.map((p) => [p.id, `${references.get(p.contract_id) || `#${p.contract_id}`}: `
      + `${dateRange(p.date_from, p.date_to)} (${p.rule_set})`])));
    submit.disabled = !list.length;
  }
  fill(periods);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    replace(status, h("p", { class: "muted" }, t("council.pricing")));
    try {
      const answer = await api.get(`/api/v1/periods/${period.value}/repricing`, { rule_set: ruleSet.value });
      replace(status);
      replace(result, repricingSummary(answer), breakdown(answer, providerNames));
    } catch (err) {
      replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
    }
  });
  return { nodes: [form, result], fill };
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
  const closedList = h("section", { class: "panel", "aria-labelledby": "closed-title" });
  const adjustments = h("div");
  const reprice = repriceForm(periods, ruleSets, references, providerNames);

  async function showAdjustments(p) {
    replace(adjustments, h("p", { class: "muted" }, t("council.loading")));
    try {
      replace(adjustments, adjustmentsView(await api.get(`/api/v1/periods/${p.id}/adjustments`), references.get(p.contract_id)));
      adjustments.querySelector("h2").focus();
    } catch (err) {
      replace(adjustments, message("error", err.message));
    }
  }

  function drawClosed() {
    const sorted = periods.slice().sort((a, b) => b.date_to.localeCompare(a.date_to) || b.id - a.id);
    replace(closedList, h("h2", { id: "closed-title" }, t("council.closed_title")),
      dataTable({
        caption: t("council.closed_caption"), empty: t("council.no_periods"),
        head: [t("council.contract"), t("council.col_dates"), t("council.rule_set"), t("council.col_rows"),
          t("council.col_held"), t("council.col_adjustments"), t("council.col_payable"), t("council.col_closed_at"), ""],
        rows: sorted.map((p) => ({ data: { periodId: p.id }, cells: [
          references.get(p.contract_id) || `#${p.contract_id}`, dateRange(p.date_from, p.date_to), p.rule_set,
          String(p.rows), String(p.held_rows), String(p.adjustment_rows),
          t("council.min_money", { minutes: p.payable_minutes, amount: money(p.amount_pence) }),
          shortDate(p.closed_at.slice(0, 10)),
          h("button", { class: "btn btn--small", type: "button", onClick: () => showAdjustments(p) }, t("council.see_adjustments")),
        ] })),
      }));
  }

  const close = contracts.length ? closeForm(contracts, (period) => {
    periods = [...periods, period];
    drawClosed();
    reprice.fill(periods);
    showAdjustments(period);
  }) : null;
  drawClosed();
  main.append(h("section", { class: "council-desk", "aria-labelledby": "periods-title" },
    deskNav("/council/periods"),
    h("h1", { id: "periods-title" }, t("council.periods_title")),
    close ? close.form : message("warn", t("council.no_contracts")),
    closedList, adjustments,
    h("h2", { class: "section-title" }, t("council.reprice_section")),
    reprice.nodes));
  if (close) await close.ready;
}
