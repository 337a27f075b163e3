// The reports desk shared by council officers and provider staff: choose a period (and whatever the
// screen adds), download each report as CSV, read the KPIs as charts. The server scopes every report
// by the caller's role, so both screens ask the same endpoints.
import * as api from "./api.js";
import { field, h, message, options, replace } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { kpiCharts, REPORT_TITLES } from "./kpi-charts.js";
import { addDays, localDate } from "./time.js";

export const REPORTS = ["punctuality", "missed", "delivery", "verification", "flags", "short-visits", "continuity", "activities",
  "outcomes", "medication"];

/** Named periods ending today (or last month), each [value, label, (today) => [from, to]]. */
const PERIODS = [
  ["4w", "reports.last_4w", (today) => [addDays(today, -27), today]],
  ["12w", "reports.last_12w", (today) => [addDays(today, -83), today]],
  ["month", "reports.this_month", (today) => [`${today.slice(0, 8)}01`, today]],
  ["last-month", "reports.last_month", (today) => {
    const end = addDays(`${today.slice(0, 8)}01`, -1);
    return [`${end.slice(0, 8)}01`, end];
  }],
  ["custom", "reports.chosen", null],
];

function errorText(err) {
  return err.fieldMessage ? err.fieldMessage() : err.message;
}

/** A button that fetches a file from the API and saves it, reporting into status. */
/** The caller's contracts (scoped by the server), or null with the error shown in main. */
export async function contractsFor(main) {
  try {
    return await api.get("/api/v1/contracts");
  } catch (err) {
    main.append(message("error", err.message));
    return null;
  }
}

export function downloadButton(label, path, query, fallback, status) {
  const btn = h("button", { class: "btn", type: "button" }, icon("download"), label);
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      const file = await api.download(path, query, fallback);
      replace(status, message("ok", t("common.downloaded", { name: file.name })));
    } catch (err) {
      replace(status, message("error", t("reports.download_failed", { reason: errorText(err) })));
    } finally {
      btn.disabled = false;
    }
  });
  return btn;
}

/**
 * Draw the desk into main.
 * filters: extra labelled fields for the form; query(): their values as report parameters;
 * exports(q, status): extra download sections drawn above the KPI reports' CSV links;
 * sections(q): extra sections drawn above the KPIs at each Show, each a promise of a node.
 */
export async function renderKpiDesk(main, { title, filters = [], query = () => ({}), exports = () => [],
  sections = () => [] }) {
  const today = localDate();
  const period = h("select", {}, options(PERIODS.map(([value, label]) => [value, t(label)]), "4w"));
  const [first, last] = PERIODS[0][2](today);
  const from = h("input", { type: "date", value: first, required: true });
  const to = h("input", { type: "date", value: last, required: true });
  const status = h("div", { "aria-live": "polite" });
  const downloads = h("div");
  const charts = h("div", { class: "kpis" });
  const extra = h("div");
  const form = h("form", { class: "panel", "aria-labelledby": "filters-title" },
    h("h2", { id: "filters-title" }, t("reports.filters")),
    h("div", { class: "filters" },
      filters, field(t("reports.period"), period), field(t("reports.from"), from), field(t("reports.to"), to),
      h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, t("reports.show")))),
    status);

  main.append(h("section", { "aria-labelledby": "kpi-desk-title" },
    h("h1", { id: "kpi-desk-title" }, title),
    form,
    h("section", { class: "panel", "aria-labelledby": "exports-title" },
      h("h2", { id: "exports-title" }, icon("download"), t("reports.downloads")), downloads),
    extra,
    h("section", { "aria-labelledby": "kpi-title" }, h("h2", { id: "kpi-title" }, t("reports.kpis")), charts)));

  period.addEventListener("change", () => {
    const chosen = PERIODS.find(([value]) => value === period.value);
    if (!chosen[2]) return;
    [from.value, to.value] = chosen[2](localDate());
  });
  for (const input of [from, to]) input.addEventListener("input", () => { period.value = "custom"; });

  function drawDownloads(q) {
    replace(downloads,
      exports(q, status),
      h("h3", {}, t("reports.kpi_reports")),
      h("div", { class: "downloads" }, REPORTS.map((name) => downloadButton(
        t("reports.csv", { title: REPORT_TITLES[name] }), `/api/v1/reports/${name}`, { ...q, format: "csv" }, `caremon-${name}.csv`, status))));
  }

  let latest = 0; // only the latest period asked for is drawn: an earlier, slower answer is dropped

  async function load(e) {
    e?.preventDefault();
    const asked = ++latest;
    if (!from.value || !to.value || to.value < from.value) {
      replace(status, message("error", t("reports.bad_period")));
      return;
    }
    const q = { date_from: from.value, date_to: to.value, ...query() };
    drawDownloads(q);
    replace(charts, h("p", { class: "muted" }, t("reports.loading")));
    Promise.all(sections(q)).then((nodes) => asked === latest && replace(extra, nodes));
    const results = await Promise.allSettled(REPORTS.map((name) => api.get(`/api/v1/reports/${name}`, q)));
    if (asked !== latest) return;
    const failed = results.find((r) => r.status === "rejected");
    replace(status, failed ? message("error", t("reports.some_failed", { reason: errorText(failed.reason) })) : null);
    replace(charts, kpiCharts(Object.fromEntries(REPORTS.map((name, i) => [name, results[i].value ?? null]))));
  }

  form.addEventListener("submit", load);
  await load();
}
