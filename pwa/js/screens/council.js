// The council officer's desk: pick contract, provider and period; download exports; read the KPIs as charts.
import * as api from "../api.js";
import { barChart, columnChart, fmt, gauge, stackedChart } from "../charts.js";
import { field, h, message, options, replace } from "../dom.js";
import { icon } from "../icons.js";
import { CATEGORIES, REASON_CODES } from "../labels.js";
import { addDays, formatShortDay, localDate } from "../time.js";

const REPORTS = ["punctuality", "missed", "delivery", "verification", "short-visits", "continuity", "activities", "outcomes"];

export async function render(main) {
  let contracts = [];
  try {
    contracts = await api.get("/api/v1/contracts");
  } catch (err) {
    main.append(message("error", err.message));
    return;
  }
  const providers = [...new Map(contracts.map((c) => [c.provider_id, c.provider_name])).entries()];
  const today = localDate();
  const contract = h("select", {}, h("option", { value: "" }, "All contracts"),
    options(contracts.map((c) => [c.id, `${c.reference} – ${c.provider_name}`])));
  const provider = h("select", {}, h("option", { value: "" }, "All providers"), options(providers));
  const from = h("input", { type: "date", value: addDays(today, -27), required: true });
  const to = h("input", { type: "date", value: today, required: true });
  const status = h("div", { "aria-live": "polite" });
  const downloads = h("div");
  const charts = h("div", { class: "kpis" });
  const form = h("form", { class: "panel", "aria-labelledby": "filters-title" },
    h("h2", { id: "filters-title" }, "Contract and period"),
    h("div", { class: "filters" },
      field("Contract", contract), field("Provider", provider), field("From", from), field("To", to),
      h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, "Show"))),
    status);

  main.append(h("section", { "aria-labelledby": "council-title" },
    h("h1", { id: "council-title" }, "Commissioning: visits, payments and KPIs"),
    form,
    h("section", { class: "panel", "aria-labelledby": "exports-title" },
      h("h2", { id: "exports-title" }, icon("download"), "Exports"), downloads),
    h("section", { "aria-labelledby": "kpi-title" }, h("h2", { id: "kpi-title" }, "Key performance indicators"), charts)));

  contract.addEventListener("change", () => {
    const chosen = contracts.find((c) => String(c.id) === contract.value);
    if (chosen) provider.value = String(chosen.provider_id);
  });

  function query() {
    return { date_from: from.value, date_to: to.value, contract_id: contract.value, provider_id: provider.value };
  }

  function drawDownloads(q) {
    const link = (label, path, extra, fallback) => {
      const btn = h("button", { class: "btn", type: "button" }, icon("download"), label);
      btn.addEventListener("click", async () => {
        btn.disabled = true;
        try {
          const file = await api.download(path, { ...q, ...extra }, fallback);
          replace(status, message("ok", `Downloaded ${file.name}.`));
        } catch (err) {
          replace(status, message("error", `Download failed: ${err.fieldMessage ? err.fieldMessage() : err.message}`));
        } finally {
          btn.disabled = false;
        }
      });
      return btn;
    };
    replace(downloads,
      h("h3", {}, "Payable time: one row per carer per visit, with non-contact work and totals"),
      h("div", { class: "downloads" },
        link("Payable time (CSV)", "/api/v1/exports/visits", { format: "csv" }, "caremon-payable.csv"),
        link("Payable time (Excel)", "/api/v1/exports/visits", { format: "xlsx" }, "caremon-payable.xlsx"),
        link("Payable time (JSON)", "/api/v1/exports/visits", { format: "json" }, "caremon-payable.json")),
      h("h3", {}, "KPI reports"),
      h("div", { class: "downloads" }, REPORTS.map((name) => link(`${title(name)} (CSV)`, `/api/v1/reports/${name}`, { format: "csv" }, `caremon-${name}.csv`))));
  }

  async function load(e) {
    e?.preventDefault();
    if (!from.value || !to.value || to.value < from.value) {
      replace(status, message("error", "Choose a period whose end is not before its start."));
      return;
    }
    const q = query();
    drawDownloads(q);
    replace(charts, h("p", { class: "muted" }, "Loading KPIs…"));
    const results = await Promise.allSettled(REPORTS.map((name) => api.get(`/api/v1/reports/${name}`, q)));
    const failed = results.find((r) => r.status === "rejected");
    if (failed) replace(status, message("error", `Some reports could not be loaded: ${failed.reason.fieldMessage ? failed.reason.fieldMessage() : failed.reason.message}`));
    else replace(status);
    const got = Object.fromEntries(REPORTS.map((name, i) => [name, results[i].status === "fulfilled" ? results[i].value : null]));
    replace(charts, kpiCharts(got));
  }

  form.addEventListener("submit", load);
  await load();
}

function title(name) {
  return { punctuality: "Punctuality", missed: "Missed visits", delivery: "Delivered hours", verification: "Check-in verification",
    "short-visits": "Short visits", continuity: "Continuity of care", activities: "Non-contact work", outcomes: "Outcomes" }[name];
}

function weekLabel(row) {
  return formatShortDay(row.date_from);
}

function kpiCharts(r) {
  const panels = [];
  const wrap = (chart) => h("section", { class: "panel" }, chart);
  if (r.punctuality) {
    const t = r.punctuality.totals;
    panels.push(wrap(stackedChart({
      title: `Punctuality by week: ${fmt(t.on_time_pct, "%")} on time of ${t.due} due`,
      keys: [["early", "Early"], ["on_time", "On time"], ["late", "Late"], ["missed", "Missed"]],
      rows: r.punctuality.rows.map((w) => ({ label: `w/c ${weekLabel(w)}`, parts: w })),
      totals: t,
    })));
  }
  if (r.missed) {
    const t = r.missed.totals;
    const label = (code) => (REASON_CODES.find(([c]) => c === code) || [code, code ? code.replaceAll("_", " ") : "No reason yet"])[1];
    panels.push(wrap(barChart({
      title: `Missed visits: ${t.missed} (${t.resolved} resolved, ${t.unresolved} open)`,
      rows: t.by_reason.length ? t.by_reason.map((x) => ({ label: label(x.reason_code), value: x.visits, color: "#4a0d0d" }))
        : [{ label: "Missed visits", value: 0 }],
    })));
  }
  if (r.delivery) {
    const t = r.delivery.totals;
    panels.push(wrap(barChart({
      title: `Delivered against commissioned hours: ${fmt(t.delivered_pct, "%")}`,
      unit: "%",
      max: 100,
      rows: (t.providers.length ? t.providers : []).map((p) => ({
        label: p.provider_name, value: p.delivered_pct || 0,
        text: `${fmt(p.delivered_pct, "%")} (${fmt(p.delivered_minutes / 60)} of ${fmt(p.commissioned_minutes / 60)} h)`,
      })),
      note: `${fmt(t.delivered_minutes / 60)} hours delivered of ${fmt(t.commissioned_minutes / 60)} commissioned, ${t.clients} clients.`,
    })));
  }
  if (r.verification) {
    const t = r.verification.totals;
    panels.push(wrap(stackedChart({
      title: `Check-ins verified by location: ${fmt(t.verified_pct, "%")} of ${t.check_ins}`,
      keys: [["verified", "Verified"], ["unverified", "Too rough"], ["outside", "Away from home"], ["none", "No location"], ["manual", "Entered by office"]],
      rows: r.verification.rows.map((w) => ({ label: `w/c ${weekLabel(w)}`, parts: w })),
      totals: t,
    })));
  }
  if (r["short-visits"]) {
    const sv = r["short-visits"];
    panels.push(wrap(columnChart({
      title: `Short visits (under 80% of planned time): ${fmt(sv.totals.under_80pct_pct, "%")} of ${sv.totals.delivered}`,
      unit: "%",
      points: sv.rows.map((w) => ({ label: weekLabel(w), value: w.under_80pct_pct })),
      note: `Under 15 minutes: ${sv.totals.under_15min} visits (${fmt(sv.totals.under_15min_pct, "%")}).`,
    })));
  }
  if (r.continuity) {
    const t = r.continuity.totals;
    panels.push(wrap(gauge({
      title: "Continuity: visits by each client's regular carers",
      value: t.regular_pct,
      caption: "By regular carers",
      numbers: [["Clients", fmt(t.clients)], ["Average different carers per client", fmt(t.mean_distinct_workers)], ["Most for one client", fmt(t.max_distinct_workers)]],
    })));
  }
  if (r.activities) {
    const names = Object.fromEntries(CATEGORIES);
    panels.push(wrap(barChart({
      title: `Non-contact work: ${fmt(r.activities.totals.minutes)} minutes in ${r.activities.totals.activities} activities`,
      unit: " min",
      rows: r.activities.rows.map((row) => ({ label: names[row.category] || row.category, value: row.minutes, color: "#5b3f8c" })),
    })));
  }
  if (r.outcomes) {
    const t = r.outcomes.totals;
    panels.push(wrap(barChart({
      title: `Outcomes: ${t.outcomes} tracked for ${t.clients} clients (${t.scores} scores)`,
      rows: [
        { label: "Improved", value: t.improved, color: "#0b4f4a" },
        { label: "Unchanged", value: t.unchanged, color: "#45514f" },
        { label: "Declined", value: t.declined, color: "#b3201c" },
      ],
    })));
  }
  return panels.length ? panels : message("warn", "No KPIs could be loaded for this choice.");
}
