// The KPI reports as charts, one panel per report, every figure with its numbers written beside it.
import { barChart, columnChart, fmt, gauge, lineChart, stackedChart, table } from "./charts.js";
import { h, message, nextId } from "./dom.js";
import { t } from "./i18n.js";
import { CATEGORIES, FLAGS, REASON_CODES } from "./labels.js";
import { formatShortDay } from "./time.js";

/** Each report's title in the reader's language, looked up when read. */
export const REPORT_TITLES = {};
for (const name of ["punctuality", "missed", "delivery", "verification", "short-visits", "continuity", "activities", "outcomes",
  "flags", "medication"]) {
  Object.defineProperty(REPORT_TITLES, name, { get: () => t(`reports.title_${name.replace("-", "_")}`), enumerable: true });
}

// Rows drawn per client chart: a council has thousands of clients; the CSV holds every one.
const SHOWN = 15;
const MISSED_SHOWN = 50;
const OUTCOMES_SHOWN = 12;
// The outcome score scale (server/care/models.py SCORE_MIN, SCORE_MAX).
const SCORE_MIN = 1;
const SCORE_MAX = 5;

function weekLabel(row) {
  return t("reports.week_of", { day: formatShortDay(row.date_from) });
}

function span(from, to) {
  return from === to ? formatShortDay(from) : `${formatShortDay(from)} – ${formatShortDay(to)}`;
}

/** A count with its noun: the catalogue holds "<key>_one" and "<key>_many" ({n} filled in). */
function plural(n, key) {
  return t(`${key}_${n === 1 ? "one" : "many"}`, { n: fmt(n) });
}

function shownNote(shown, all, what) {
  return shown < all ? t("reports.showing", { shown, all, what: t(what) }) : null;
}

/** "93.8% (7.5 of 8 h)": the share first, then the hours it is made of. */
export function deliveredText(f) {
  return t("reports.delivered_text", { pct: fmt(f.delivered_pct, "%"), done: fmt(f.delivered_minutes / 60), due: fmt(f.commissioned_minutes / 60) });
}

function deliveredRow(label, f) {
  return { label, value: f.delivered_pct || 0, text: deliveredText(f) };
}

function defaultReasonLabel(code) {
  return Object.fromEntries(REASON_CODES)[code] || (code ? code.replaceAll("_", " ") : t("reports.no_reason"));
}

/** The coordinator's words from a resolution "code: note", without the code already shown as the reason. */
function resolutionNote(v) {
  if (!v.resolution) return "";
  return v.reason_code && v.resolution.startsWith(`${v.reason_code}:`) ? v.resolution.slice(v.reason_code.length + 1).trim() : v.resolution;
}

function thresholds(contracts) {
  return table({
    caption: t("reports.thresholds"),
    head: [t("reports.contract"), t("reports.early"), t("reports.late"), t("reports.missed")],
    rows: contracts.map((c) => [`${c.reference} (${c.provider_name})`, t("reports.early_rule", { n: c.early_minutes }),
      t("reports.late_rule", { n: c.late_minutes }), t("reports.missed_rule", { n: c.missed_minutes })]),
  });
}

function punctuality(r) {
  const totals = r.totals;
  return [stackedChart({
    title: t("reports.punctuality_title", { pct: fmt(totals.on_time_pct, "%"), due: totals.due }),
    keys: [["early", t("reports.early")], ["on_time", t("reports.on_time")], ["late", t("reports.late")], ["missed", t("reports.missed")]],
    rows: r.rows.map((w) => ({ label: weekLabel(w), parts: w })),
    totals,
  }), thresholds(r.filters.contracts)];
}

function missed(r) {
  const totals = r.totals;
  const shown = r.rows.slice(0, MISSED_SHOWN);
  // The council's own labels (its list may hold codes the app does not know), with its external codes.
  const labels = Object.fromEntries(r.rows.filter((v) => v.reason_label).map((v) => [v.reason_code, v.reason_label]));
  const reasonLabel = (code) => labels[code] || defaultReasonLabel(code);
  const reasonText = (v) => `${reasonLabel(v.reason_code)}${v.external_code ? ` (${v.external_code})` : ""}`;
  return [barChart({
    title: t("reports.missed_title", { n: totals.missed, resolved: totals.resolved, open: totals.unresolved }),
    rows: totals.by_reason.length ? totals.by_reason.map((x) => ({ label: reasonLabel(x.reason_code), value: x.visits, color: "#4a0d0d" }))
      : [{ label: t("reports.title_missed"), value: 0 }],
  }), shown.length ? table({
    caption: t("reports.missed_caption"),
    head: [t("reports.visit"), t("reports.client"), t("reports.carers"), t("reports.reason"), t("reports.office_note"), t("reports.resolved")],
    rows: shown.map((v) => [`${formatShortDay(v.local_date)} ${v.local_time}`, v.client_name,
      v.workers.map((w) => w.worker_name).join(", ") || t("reports.none_assigned"), reasonText(v), resolutionNote(v),
      t(v.resolved ? "reports.yes" : "reports.open")]),
    note: shownNote(shown.length, r.rows.length, "reports.what_missed"),
  }) : null];
}

function delivery(r) {
  const totals = r.totals;
  const byClient = [...r.rows].sort((a, b) => (a.delivered_pct ?? Infinity) - (b.delivered_pct ?? Infinity)).slice(0, SHOWN);
  const flexible = r.rows.filter((row) => row.blocks.length);
  return [barChart({
    title: t("reports.delivered_title", { pct: fmt(totals.delivered_pct, "%") }),
    unit: "%",
    max: 100,
    rows: totals.providers.map((p) => deliveredRow(p.provider_name, p)),
    note: t("reports.delivered_note", { done: fmt(totals.delivered_minutes / 60), due: fmt(totals.commissioned_minutes / 60), clients: totals.clients }),
  }), byClient.length ? barChart({
    title: t("reports.by_client"),
    unit: "%",
    max: 100,
    rows: byClient.map((c) => deliveredRow(c.client_name, c)),
    note: shownNote(byClient.length, r.rows.length, "reports.what_clients"),
  }) : null, flexible.length ? barChart({
    title: t("reports.flexible"),
    unit: "%",
    max: 100,
    rows: flexible.slice(0, SHOWN).flatMap((c) => c.blocks.map((b) => deliveredRow(`${c.client_name}, ${span(b.date_from, b.date_to)}`, b))),
    note: shownNote(Math.min(SHOWN, flexible.length), flexible.length, "reports.what_flexible"),
  }) : h("p", { class: "hint" }, t("reports.no_flexible"))];
}

function verification(r) {
  const totals = r.totals;
  return stackedChart({
    title: t("reports.verification_title", { pct: fmt(totals.verified_pct, "%"), n: totals.check_ins }),
    keys: [["verified", t("reports.verified")], ["unverified", t("reports.too_rough")], ["outside", t("reports.away")], ["none", t("reports.no_location")],
      ["manual", t("reports.by_office")]],
    rows: r.rows.map((w) => ({ label: weekLabel(w), parts: w })),
    totals,
  });
}

function shortVisits(r) {
  return columnChart({
    title: t("reports.short_title", { pct: fmt(r.totals.under_80pct_pct, "%"), n: r.totals.delivered }),
    unit: "%",
    points: r.rows.map((w) => ({ label: formatShortDay(w.date_from), value: w.under_80pct_pct })),
    note: t("reports.under_15", { n: r.totals.under_15min, pct: fmt(r.totals.under_15min_pct, "%") }),
  });
}

function continuity(r) {
  const totals = r.totals;
  const byClient = [...r.rows].sort((a, b) => b.distinct_workers - a.distinct_workers).slice(0, SHOWN);
  return [gauge({
    title: t("reports.continuity_title"),
    value: totals.regular_pct,
    caption: t("reports.by_regulars"),
    numbers: [[t("reports.clients"), fmt(totals.clients)], [t("reports.avg_carers"), fmt(totals.mean_distinct_workers)],
      [t("reports.most_carers"), fmt(totals.max_distinct_workers)]],
  }), byClient.length ? barChart({
    title: t("reports.carers_per_client"),
    rows: byClient.map((c) => ({
      label: c.client_name, value: c.distinct_workers, color: "#1f5fb4",
      text: t("reports.carers_text", { carers: plural(c.distinct_workers, "reports.carer"), pct: fmt(c.regular_pct, "%") }),
    })),
    note: shownNote(byClient.length, r.rows.length, "reports.what_clients"),
  }) : null];
}

function activities(r) {
  const names = Object.fromEntries(CATEGORIES);
  return barChart({
    title: t("reports.activities_title", { minutes: fmt(r.totals.minutes), n: r.totals.activities }),
    unit: " min",
    rows: r.rows.map((row) => ({ label: names[row.category] || row.category, value: row.minutes, color: "#5b3f8c" })),
  });
}

function signed(n) {
  return n > 0 ? `+${fmt(n)}` : fmt(n);
}

function outcomes(r) {
  const totals = r.totals;
  const series = r.rows.slice(0, OUTCOMES_SHOWN);
  return [barChart({
    title: t("reports.outcomes_title", { n: totals.outcomes, clients: totals.clients, scores: totals.scores }),
    rows: [
      { label: t("reports.improved"), value: totals.improved, color: "#0b4f4a" },
      { label: t("reports.unchanged"), value: totals.unchanged, color: "#45514f" },
      { label: t("reports.declined"), value: totals.declined, color: "#b3201c" },
    ],
  }), series.length ? h("div", { class: "small-multiples" }, series.map((o) => lineChart({
    title: `${o.client_name}: ${o.outcome_title}`,
    min: SCORE_MIN,
    max: SCORE_MAX,
    points: o.points.map((p) => ({ label: formatShortDay(p.date), value: p.score })),
    note: t("reports.score_note", { first: fmt(o.first_score), latest: fmt(o.latest_score), change: signed(o.change), max: SCORE_MAX }),
  }))) : null, series.length < r.rows.length ? h("p", { class: "hint" }, shownNote(series.length, r.rows.length, "reports.what_outcomes")) : null];
}

function flags(r) {
  const totals = r.totals;
  const names = Object.keys(FLAGS);
  return [barChart({
    title: t("reports.flags_title", { pct: fmt(totals.verified_pct, "%"), completed: plural(totals.completed, "reports.completed_visit"),
      planned: plural(totals.visits, "reports.visit_count") }),
    rows: names.map((f) => ({ label: FLAGS[f], value: totals[f], color: "#8a5a00" })),
  }), r.rows.length ? table({
    caption: t("reports.flags_caption"),
    head: [t("reports.fq_provider"), t("reports.visits"), t("reports.verified"), ...names.map((f) => FLAGS[f])],
    rows: r.rows.map((p) => [p.provider_name, fmt(p.visits), t("reports.pct_of", { pct: fmt(p.verified_pct, "%"), part: fmt(p.verified), whole: fmt(p.completed) }),
      ...names.map((f) => fmt(p[f]))]),
  }) : null];
}

function medication(r) {
  const totals = r.totals;
  if (!totals.due) return h("p", { class: "muted" }, t("reports.no_doses"));
  return [barChart({
    title: t("reports.doses_title", { due: fmt(totals.due), on_time: fmt(totals.on_time_pct, "%"),
      refused: fmt(totals.refused_pct, "%"), omitted: fmt(totals.omitted_pct, "%") }),
    rows: [
      { label: t("labels.dose_outcomes.given"), value: totals.given, color: "#1d6b3a" },
      { label: t("labels.dose_outcomes.refused"), value: totals.refused, color: "#b3201c" },
      { label: t("labels.dose_outcomes.already_taken"), value: totals.already_taken, color: "#4a6fa5" },
      { label: t("reports.omitted"), value: totals.omitted, color: "#8a5a00" },
      { label: t("reports.to_come"), value: totals.pending, color: "#6b7780" },
    ],
  }), table({
    caption: t("reports.doses_caption"),
    head: [t("reports.fq_provider"), t("reports.due"), t("reports.recorded"), t("reports.on_time"), t("labels.dose_outcomes.refused"),
      t("reports.omitted")],
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
  return panels.length ? panels : message("warn", t("reports.no_kpis"));
}
