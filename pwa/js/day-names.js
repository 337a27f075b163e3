// Day and month names in the reader's language from the catalogue: browsers' date data often lacks Welsh.
import { t } from "./i18n.js";
import { ZONE } from "./time.js";

const parts = new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric", month: "numeric", day: "numeric" });

function named(key, index) {
  return t(key).split(",")[index];
}

/** "Friday 4 December" (or "Dydd Gwener 4 Rhagfyr") for a YYYY-MM-DD date. */
export function longDay(isoDate) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  return `${named("coord.days.long", d.getUTCDay())} ${d.getUTCDate()} ${named("coord.months.long", d.getUTCMonth())}`;
}

/** "Fri 4 Dec" for an instant, on its local day in the council's zone. */
export function shortDay(at) {
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day, 12));
  return `${named("coord.days.short", d.getUTCDay())} ${p.day} ${named("coord.months.short", p.month - 1)}`;
}
