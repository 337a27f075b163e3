// Parts the council officer's screens share: the desk's own navigation, money, dates and plain data tables.
import { fullDate } from "./date-words.js";
import { h } from "./dom.js";
import { locale, t } from "./i18n.js";

const PAGES = [["/council", "council.nav_kpis"], ["/council/invoices", "council.nav_invoices"],
  ["/council/periods", "council.nav_periods"], ["/council/outcome-payments", "outcomes.payments.title"]];

/** Links between the desk's screens, the current one marked for assistive tech. */
export function deskNav(current) {
  return h("nav", { class: "desk-nav", "aria-label": t("council.nav_label") },
    PAGES.map(([path, key]) => h("a", { href: `#${path}`, class: "btn btn--small btn--quiet",
      "aria-current": path === current ? "page" : null }, t(key))));
}

/** Whole minor units as 12.50, a true minus for a negative amount. */
export function money(pence) {
  const sign = pence < 0 ? "−" : "";
  return `${sign}${(Math.abs(pence) / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A difference with its sign always shown. */
export function signed(value, show = String) {
  if (value > 0) return `+${show(value)}`;
  return value < 0 ? `−${show(-value)}` : show(0);
}

/** "12 November 2026" for an ISO date, in the reader's language. */
export const shortDate = (iso) => fullDate(iso);

export function dateRange(from, to) {
  return t("council.date_range", { from: shortDate(from), to: shortDate(to) });
}

/**
 * A data table with a caption; rows are { cells, className, data } so each can be marked (a mismatch, a kind).
 * On phones each cell shows its column name (data-label), as the desk's other tables do.
 */
export function dataTable({ caption, head, rows, empty }) {
  if (!rows.length && empty) return h("p", { class: "muted" }, empty);
  return h("div", { class: "table-wrap" },
    h("table", { class: "data" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((col) => h("th", { scope: "col" }, col)))),
      h("tbody", {}, rows.map(({ cells, className, data }) => h("tr", { class: className, dataset: data },
        cells.map((cell, i) => h(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, dataset: { label: head[i] } },
          cell)))))));
}

/** The caller's contracts as select options, "reference – provider". */
export function contractOptions(contracts) {
  return contracts.map((c) => [c.id, `${c.reference} – ${c.provider_name}`]);
}
