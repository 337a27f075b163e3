// The provider feed's quality per provider, for the council officer: how late events arrive, how many are
// located, whether visits get both ends, and which items were refused and why (GET /api/v1/reports/feed-quality).
import * as api from "./api.js";
import { h, message } from "./dom.js";
import { t } from "./i18n.js";

/** Seconds as "45 s", "3 min 5 s" or "2 h 10 min"; an em dash when there is nothing to measure. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const sign = seconds < 0 ? "−" : "";
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${sign}${s} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${s % 60} s`;
  return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const share = (pct, part, whole) => (pct === null ? "—" : t("reports.share", { pct, part, whole }));

function rejections(list) {
  if (!list.length) return t("reports.none");
  return h("ul", { class: "plain-list" }, list.map((r) => h("li", {},
    t("reports.rejected_item", { n: r.items, kind: r.kind, source: r.source_system, reason: r.reason.replaceAll("_", " ") }))));
}

const HEADINGS = ["reports.fq_provider", "reports.fq_events", "reports.fq_lag_median", "reports.fq_lag_p95", "reports.fq_verified", "reports.fq_both", "reports.fq_rejected"];

function row(r) {
  const cells = [r.provider_name, String(r.events), duration(r.lag_median_s), duration(r.lag_p95_s),
    share(r.verified_pct, r.verified, r.events), share(r.both_events_pct, r.both_events, r.visits),
    rejections(r.rejections)];
  return h("tr", {}, cells.map((cell, i) =>
    h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, dataset: { label: t(HEADINGS[i]) } }, cell)));
}

/** The officer's section: one row per provider of the period's contracts. */
export async function feedQualitySection(q) {
  let body;
  try {
    const report = await api.get("/api/v1/reports/feed-quality", q);
    body = h("table", { class: "data" },
      h("caption", {}, t("reports.fq_caption")),
      h("thead", {}, h("tr", {}, HEADINGS.map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, report.rows.map(row)));
  } catch (err) {
    body = message("error", t("reports.fq_failed", { reason: err.message }));
  }
  return h("section", { class: "panel", "aria-labelledby": "feed-quality-title" },
    h("h2", { id: "feed-quality-title" }, t("reports.fq_title")),
    h("p", { class: "muted" }, t("reports.fq_lag_hint")),
    h("div", { class: "table-scroll" }, body));
}
