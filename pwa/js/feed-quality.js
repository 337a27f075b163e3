// The provider feed's quality per provider, for the council officer: how late events arrive, how many are
// located, whether visits get both ends, and which items were refused and why (GET /api/v1/reports/feed-quality).
import * as api from "./api.js";
import { h, message } from "./dom.js";

/** Seconds as "45 s", "3 min 5 s" or "2 h 10 min"; an em dash when there is nothing to measure. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const sign = seconds < 0 ? "−" : "";
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${sign}${s} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${s % 60} s`;
  return `${sign}${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const share = (pct, part, whole) => (pct === null ? "—" : `${pct}% (${part} of ${whole})`);

function rejections(list) {
  if (!list.length) return "None";
  return h("ul", { class: "plain-list" }, list.map((r) => h("li", {},
    `${r.items} ${r.kind} from ${r.source_system}: ${r.reason.replaceAll("_", " ")}`)));
}

const HEADINGS = ["Provider", "Events", "Lag (median)", "Lag (95%)", "Verified location",
  "Visits with check-in and check-out", "Rejected items"];

function row(r) {
  const cells = [r.provider_name, String(r.events), duration(r.lag_median_s), duration(r.lag_p95_s),
    share(r.verified_pct, r.verified, r.events), share(r.both_events_pct, r.both_events, r.visits),
    rejections(r.rejections)];
  return h("tr", {}, cells.map((cell, i) =>
    h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, dataset: { label: HEADINGS[i] } }, cell)));
}

/** The officer's section: one row per provider of the period's contracts. */
export async function feedQualitySection(q) {
  let body;
  try {
    const report = await api.get("/api/v1/reports/feed-quality", q);
    body = h("table", { class: "data" },
      h("caption", {}, "Events sent by providers' own systems, for visits in the period"),
      h("thead", {}, h("tr", {}, HEADINGS.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, report.rows.map(row)));
  } catch (err) {
    body = message("error", `The feed quality could not be loaded: ${err.message}`);
  }
  return h("section", { class: "panel", "aria-labelledby": "feed-quality-title" },
    h("h2", { id: "feed-quality-title" }, "Provider feed quality"),
    h("p", { class: "muted" }, "Lag is the time from the carer's phone recording an event to Caremon receiving it."),
    h("div", { class: "table-scroll" }, body));
}
