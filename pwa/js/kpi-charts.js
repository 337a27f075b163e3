// The KPI reports as charts, one panel per report, every figure with its numbers written beside it.
import { barChart, columnChart, fmt, gauge, lineChart, stackedChart, table } from "./charts.js";
import { h, message, nextId } from "./dom.js";
import { CATEGORIES, FLAGS, REASON_CODES } from "./labels.js";
import { formatShortDay } from "./time.js";

export const REPORT_TITLES = {
  punctuality: "Punctuality", missed: "Missed visits", delivery: "Delivered hours", verification: "Check-in verification",
  "short-visits": "Short visits", continuity: "Continuity of care", activities: "Non-contact work", outcomes: "Outcomes",
  flags: "Verified visits and flags", medication: "Medication",
};

// Rows drawn per client chart: a council has thousands of clients; the CSV holds every one.
const SHOWN = 15;
const MISSED_SHOWN = 50;
const OUTCOMES_SHOWN = 12;
// The outcome score scale (server/care/models.py SCORE_MIN, SCORE_MAX).
const SCORE_MIN = 1;
const SCORE_MAX = 5;
const REASONS = Object.fromEntries(REASON_CODES);

function weekLabel(row) {
  return `w/c ${formatShortDay(row.date_from)}`;
}

function span(from, to) {
  return from === to ? formatShortDay(from) : `${formatShortDay(from)} – ${formatShortDay(to)}`;
}

function plural(n, one, many = `${one}s`) {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

function shownNote(shown, all, what) {
  return shown < all ? `Showing ${shown} of ${all} ${what}; the CSV has them all.` : null;
}

/** "93.8% (7.5 of 8 h)": the share first, then the hours it is made of. */
export function deliveredText(f) {
  return `${fmt(f.delivered_pct, "%")} (${fmt(f.delivered_minutes / 60)} of ${fmt(f.commissioned_minutes / 60)} h)`;
}

function deliveredRow(label, f) {
  return { label, value: f.delivered_pct || 0, text: deliveredText(f) };
}

function defaultReasonLabel(code) {
  return REASONS[code] || (code ? code.replaceAll("_", " ") : "No reason yet");
}

/** The coordinator's words from a resolution "code: note", without the code already shown as the reason. */
function resolutionNote(v) {
  if (!v.resolution) return "";
  return v.reason_code && v.resolution.startsWith(`${v.reason_code}:`) ? v.resolution.slice(v.reason_code.length + 1).trim() : v.resolution;
}

function thresholds(contracts) {
  return table({
    caption: "Contract thresholds: check-in against planned start",
    head: ["Contract", "Early", "Late", "Missed"],
    rows: contracts.map((c) => [`${c.reference} (${c.provider_name})`, `over ${c.early_minutes} min before`,
      `over ${c.late_minutes} min after`, `none ${c.missed_minutes} min after, or by the planned end`]),
  });
}

function punctuality(r) {
  const t = r.totals;
  return [stackedChart({
    title: `Punctuality by week: ${fmt(t.on_time_pct, "%")} on time of ${t.due} due`,
    keys: [["early", "Early"], ["on_time", "On time"], ["late", "Late"], ["missed", "Missed"]],
    rows: r.rows.map((w) => ({ label: weekLabel(w), parts: w })),
    totals: t,
  }), thresholds(r.filters.contracts)];
}

function missed(r) {
  const t = r.totals;
  const shown = r.rows.slice(0, MISSED_SHOWN);
  // The council's own labels (its list may hold codes the app does not know), with its external codes.
  const labels = Object.fromEntries(r.rows.filter((v) => v.reason_label).map((v) => [v.reason_code, v.reason_label]));
  const reasonLabel = (code) => labels[code] || defaultReasonLabel(code);
  const reasonText = (v) => `${reasonLabel(v.reason_code)}${v.external_code ? ` (${v.external_code})` : ""}`;
  return [barChart({
    title: `Missed visits: ${t.missed} (${t.resolved} resolved, ${t.unresolved} open)`,
    rows: t.by_reason.length ? t.by_reason.map((x) => ({ label: reasonLabel(x.reason_code), value: x.visits, color: "#4a0d0d" }))
      : [{ label: "Missed visits", value: 0 }],
  }), shown.length ? table({
    caption: "Each missed visit and the reason the office recorded",
    head: ["Visit", "Client", "Carers", "Reason", "Office note", "Resolved"],
    rows: shown.map((v) => [`${formatShortDay(v.local_date)} ${v.local_time}`, v.client_name,
      v.workers.map((w) => w.worker_name).join(", ") || "none assigned", reasonText(v), resolutionNote(v),
      v.resolved ? "Yes" : "Open"]),
    note: shownNote(shown.length, r.rows.length, "missed visits"),
  }) : null];
}

function delivery(r) {
  const t = r.totals;
  const byClient = [...r.rows].sort((a, b) => (a.delivered_pct ?? Infinity) - (b.delivered_pct ?? Infinity)).slice(0, SHOWN);
  const flexible = r.rows.filter((row) => row.blocks.length);
  return [barChart({
    title: `Delivered against commissioned hours: ${fmt(t.delivered_pct, "%")}`,
    unit: "%",
    max: 100,
    rows: t.providers.map((p) => deliveredRow(p.provider_name, p)),
    note: `${fmt(t.delivered_minutes / 60)} hours delivered of ${fmt(t.commissioned_minutes / 60)} commissioned, ${t.clients} clients.`,
  }), byClient.length ? barChart({
    title: "By client, furthest below commissioned first",
    unit: "%",
    max: 100,
    rows: byClient.map((c) => deliveredRow(c.client_name, c)),
    note: shownNote(byClient.length, r.rows.length, "clients"),
  }) : null, flexible.length ? barChart({
    title: "Four-week flexible packages, block by block",
    unit: "%",
    max: 100,
    rows: flexible.slice(0, SHOWN).flatMap((c) => c.blocks.map((b) => deliveredRow(`${c.client_name}, ${span(b.date_from, b.date_to)}`, b))),
    note: shownNote(Math.min(SHOWN, flexible.length), flexible.length, "flexible packages"),
  }) : h("p", { class: "hint" }, "No four-week flexible packages in this choice.")];
}

function verification(r) {
  const t = r.totals;
  return stackedChart({
    title: `Check-ins verified by location: ${fmt(t.verified_pct, "%")} of ${t.check_ins}`,
    keys: [["verified", "Verified"], ["unverified", "Too rough"], ["outside", "Away from home"], ["none", "No location"], ["manual", "Entered by office"]],
    rows: r.rows.map((w) => ({ label: weekLabel(w), parts: w })),
    totals: t,
  });
}

function shortVisits(r) {
  return columnChart({
    title: `Short visits (under 80% of planned time): ${fmt(r.totals.under_80pct_pct, "%")} of ${r.totals.delivered}`,
    unit: "%",
    points: r.rows.map((w) => ({ label: formatShortDay(w.date_from), value: w.under_80pct_pct })),
    note: `Under 15 minutes: ${r.totals.under_15min} visits (${fmt(r.totals.under_15min_pct, "%")}).`,
  });
}

function continuity(r) {
  const t = r.totals;
  const byClient = [...r.rows].sort((a, b) => b.distinct_workers - a.distinct_workers).slice(0, SHOWN);
  return [gauge({
    title: "Continuity: visits by each client's regular carers",
    value: t.regular_pct,
    caption: "By regular carers",
    numbers: [["Clients", fmt(t.clients)], ["Average different carers per client", fmt(t.mean_distinct_workers)], ["Most for one client", fmt(t.max_distinct_workers)]],
  }), byClient.length ? barChart({
    title: "Different carers per client (fewer is better)",
    rows: byClient.map((c) => ({
      label: c.client_name, value: c.distinct_workers, color: "#1f5fb4",
      text: `${plural(c.distinct_workers, "carer")}, ${fmt(c.regular_pct, "%")} by regulars`,
    })),
    note: shownNote(byClient.length, r.rows.length, "clients"),
  }) : null];
}

function activities(r) {
  const names = Object.fromEntries(CATEGORIES);
  return barChart({
    title: `Non-contact work: ${fmt(r.totals.minutes)} minutes in ${r.totals.activities} activities`,
    unit: " min",
    rows: r.rows.map((row) => ({ label: names[row.category] || row.category, value: row.minutes, color: "#5b3f8c" })),
  });
}

function signed(n) {
  return n > 0 ? `+${fmt(n)}` : fmt(n);
}

function outcomes(r) {
  const t = r.totals;
  const series = r.rows.slice(0, OUTCOMES_SHOWN);
  return [barChart({
    title: `Outcomes: ${t.outcomes} tracked for ${t.clients} clients (${t.scores} scores)`,
    rows: [
      { label: "Improved", value: t.improved, color: "#0b4f4a" },
      { label: "Unchanged", value: t.unchanged, color: "#45514f" },
      { label: "Declined", value: t.declined, color: "#b3201c" },
    ],
  }), series.length ? h("div", { class: "small-multiples" }, series.map((o) => lineChart({
    title: `${o.client_name}: ${o.outcome_title}`,
    min: SCORE_MIN,
    max: SCORE_MAX,
    points: o.points.map((p) => ({ label: formatShortDay(p.date), value: p.score })),
    note: `Score ${fmt(o.first_score)} to ${fmt(o.latest_score)} (${signed(o.change)}), out of ${SCORE_MAX}.`,
  }))) : null, series.length < r.rows.length ? h("p", { class: "hint" }, shownNote(series.length, r.rows.length, "outcomes")) : null];
}

function flags(r) {
  const t = r.totals;
  const names = Object.keys(FLAGS);
  return [barChart({
    title: `Verified: ${fmt(t.verified_pct, "%")} of ${plural(t.completed, "completed visit")} (${plural(t.visits, "visit")} planned)`,
    rows: names.map((f) => ({ label: FLAGS[f], value: t[f], color: "#8a5a00" })),
  }), r.rows.length ? table({
    caption: "Each provider: visits verified (in the home's area, good location, within the thresholds) and flags",
    head: ["Provider", "Visits", "Verified", ...names.map((f) => FLAGS[f])],
    rows: r.rows.map((p) => [p.provider_name, fmt(p.visits), `${fmt(p.verified_pct, "%")} (${fmt(p.verified)} of ${fmt(p.completed)})`,
      ...names.map((f) => fmt(p[f]))]),
  }) : null];
}

function medication(r) {
  const t = r.totals;
  if (!t.due) return h("p", { class: "muted" }, "No doses were due at visits in this period.");
  return [barChart({
    title: `Doses due: ${fmt(t.due)}; recorded on time ${fmt(t.on_time_pct, "%")}, refused ${fmt(t.refused_pct, "%")}, omitted ${fmt(t.omitted_pct, "%")}`,
    rows: [
      { label: "Given", value: t.given, color: "#1d6b3a" },
      { label: "Refused", value: t.refused, color: "#b3201c" },
      { label: "Already taken", value: t.already_taken, color: "#4a6fa5" },
      { label: "Omitted", value: t.omitted, color: "#8a5a00" },
      { label: "Still to come", value: t.pending, color: "#6b7780" },
    ],
  }), table({
    caption: "Each provider: doses due at visits, recorded on time, refused and omitted",
    head: ["Provider", "Due", "Recorded", "On time", "Refused", "Omitted"],
    rows: r.rows.map((p) => [p.provider_name, fmt(p.due), fmt(p.recorded), `${fmt(p.on_time_pct, "%")} (${fmt(p.on_time)})`,
      `${fmt(p.refused_pct, "%")} (${fmt(p.refused)})`, `${fmt(p.omitted_pct, "%")} (${fmt(p.omitted)})`]),
  })];
}

const PANELS = {
  punctuality, missed, delivery, verification, "short-visits": shortVisits, continuity, activities, outcomes, flags, medication,
};

/** One panel per report that loaded, in the order given; reports: {name: JSON or null}. */
export function kpiCharts(reports) {
  const panels = Object.entries(reports).filter(([, r]) => r).map(([name, r]) => {
    const id = nextId("kpi");
    return h("section", { class: "panel kpi", dataset: { report: name }, "aria-labelledby": id },
      h("h3", { id }, REPORT_TITLES[name]), PANELS[name](r));
  });
  return panels.length ? panels : message("warn", "No KPIs could be loaded for this choice.");
}
