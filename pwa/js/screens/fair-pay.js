// Fair pay for council officers and provider admins: each carer's days over a period, flagged below the minimum wage.
import * as api from "../api.js";
import { HOME } from "../auth.js";
import { field, h, message, options, replace } from "../dom.js";
import { day, duration, money, verdict } from "../fair-pay-parts.js";
import { t } from "../i18n.js";
import { icon } from "../icons.js";
import { addDays, localDate } from "../time.js";

const REPORT = "/api/v1/reports/fair-pay";

function errorText(err) {
  return err.fieldMessage ? err.fieldMessage() : err.message;
}

function carerName(row) {
  if (row.worker_name) return row.worker_name;
  return row.staff_ref ? t("fairpay.staff", { ref: row.staff_ref }) : t("fairpay.carerId", { id: row.worker_id });
}

function stat(label, value, testid) {
  return h("div", { class: "fairpay-stat" }, h("dt", {}, label), h("dd", { dataset: { testid } }, value));
}

function summary(body) {
  const totals = body.totals;
  return h("dl", { class: "fairpay-stats" },
    stat(t("fairpay.carers"), totals.carers, "carers"),
    stat(t("fairpay.days"), totals.days, "days"),
    stat(t("fairpay.daysBelow"), totals.days_below, "days-below"),
    stat(t("fairpay.perHourAll"), money(totals.effective_hourly_minor), "per-hour"));
}

/** One table of figures; rows below the minimum are marked in words and with a tinted row. */
function figuresTable(caption, head, rows) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "data fairpay-table" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((col) => h("th", { scope: "col" }, col)))),
      h("tbody", {}, rows.map(({ cells, below }) => h("tr", { class: below ? "row--below" : null },
        cells.map((cell, i) => h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, dataset: { label: head[i] } }, cell)))))));
}

function providersTable(providers) {
  const head = [t("fairpay.provider"), t("fairpay.carers"), t("fairpay.days"), t("fairpay.daysBelow"), t("fairpay.working"),
    t("fairpay.pay"), t("fairpay.perHour"), t("fairpay.verdict")];
  return figuresTable(t("fairpay.providers"), head, providers.map((p) => ({
    below: p.below_minimum,
    cells: [p.provider_name, p.carers, p.days, p.days_below, duration(p.working_minutes), money(p.pay_minor),
      money(p.effective_hourly_minor), verdict(p.below_minimum)],
  })));
}

function daysTable(rows, showProvider) {
  const head = [t("fairpay.carer"), t("fairpay.date"), ...(showProvider ? [t("fairpay.provider")] : []), t("fairpay.visits"),
    t("fairpay.contact"), t("fairpay.travel"), t("fairpay.waiting"), t("fairpay.working"), t("fairpay.paid"), t("fairpay.pay"),
    t("fairpay.perHour"), t("fairpay.minimum"), t("fairpay.verdict")];
  return figuresTable(t("fairpay.daysTable"), head, rows.map((r) => ({
    below: r.below_minimum,
    cells: [carerName(r), day(r.date), ...(showProvider ? [r.provider_name] : []),
      r.held_visits ? [String(r.visits), " ", h("span", { class: "muted" }, t("fairpay.held", { count: r.held_visits }))] : r.visits,
      duration(r.contact_minutes), duration(r.travel_minutes), duration(r.waiting_minutes), duration(r.working_minutes),
      duration(r.paid_minutes), money(r.pay_minor), money(r.effective_hourly_minor), money(r.minimum_hourly_minor),
      verdict(r.below_minimum)],
  })));
}

/** The providers the caller covers (from their contracts), or [] when that cannot be read. */
async function providersOf() {
  try {
    const contracts = await api.get("/api/v1/contracts");
    return [...new Map(contracts.map((c) => [c.provider_id, c.provider_name])).entries()];
  } catch {
    return [];
  }
}

export async function render(main, { user }) {
  const providers = user.role === "council_officer" ? await providersOf() : [];
  const today = localDate();
  const from = h("input", { type: "date", value: addDays(today, -14), required: true });
  const to = h("input", { type: "date", value: addDays(today, -1), required: true });
  const onlyBelow = h("input", { type: "checkbox" });
  const provider = h("select", {}, h("option", { value: "" }, t("fairpay.allProviders")));
  provider.append(...options(providers));
  const query = () => ({ date_from: from.value, date_to: to.value, provider_id: provider.value });
  const status = h("div", { "aria-live": "polite" });
  const results = h("div");
  let body = null;

  const csv = h("button", { class: "btn", type: "button" }, icon("download"), t("fairpay.csv"));
  csv.addEventListener("click", async () => {
    csv.disabled = true;
    try {
      const file = await api.download(REPORT, { ...query(), format: "csv" }, "caremon-fair-pay.csv");
      replace(status, message("ok", t("fairpay.downloaded", { name: file.name })));
    } catch (err) {
      replace(status, message("error", t("fairpay.downloadFailed", { message: errorText(err) })));
    } finally {
      csv.disabled = false;
    }
  });

  function draw() {
    if (!body) return;
    const rows = onlyBelow.checked ? body.rows.filter((r) => r.below_minimum) : body.rows;
    const showProvider = body.providers.length > 1;
    replace(results,
      summary(body),
      showProvider ? providersTable(body.providers) : null,
      rows.length ? daysTable(rows, showProvider)
        : h("p", { class: "card", dataset: { testid: "fairpay-empty" } }, t(body.rows.length ? "fairpay.noneBelow" : "fairpay.none")));
  }

  async function load(e) {
    e?.preventDefault();
    if (!from.value || !to.value || to.value < from.value) {
      replace(status, message("error", t("fairpay.badPeriod")));
      return;
    }
    replace(status, h("p", { class: "muted" }, t("fairpay.loading")));
    try {
      body = await api.get(REPORT, query());
      replace(status);
      draw();
    } catch (err) {
      body = null;
      replace(results);
      replace(status, message("error", errorText(err)));
    }
  }

  onlyBelow.addEventListener("change", draw);
  provider.addEventListener("change", load);
  const form = h("form", { class: "panel", "aria-labelledby": "fairpay-period" },
    h("h2", { id: "fairpay-period" }, t("fairpay.period")),
    h("div", { class: "filters" }, providers.length > 1 ? field(t("fairpay.provider"), provider) : null,
      field(t("fairpay.from"), from), field(t("fairpay.to"), to),
      h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, t("fairpay.show")))),
    h("label", { class: "check fairpay-check" }, onlyBelow, " ", t("fairpay.onlyBelow")),
    h("div", { class: "downloads" }, csv),
    status);
  form.addEventListener("submit", load);

  main.append(
    h("nav", { class: "toolbar", "aria-label": t("fairpay.title") },
      h("a", { class: "btn", href: `#${HOME[user.role]}` }, t("fairpay.back"))),
    h("section", { "aria-labelledby": "fairpay-title" },
      h("h1", { id: "fairpay-title" }, t("fairpay.title")),
      h("p", { class: "hint" }, t("fairpay.intro")),
      form, results,
      h("p", { class: "hint fairpay-notes" }, t("fairpay.notes"))));
  await load();
}
