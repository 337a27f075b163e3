// Dates in words in the reader's language, from the message catalogue (the browser may lack Welsh date names).
import { t } from "./i18n.js";

function parts(isoDate) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  return { weekday: t(`family.weekday_${d.getUTCDay()}`), day: d.getUTCDate(), month: t(`family.month_${d.getUTCMonth() + 1}`),
    year: d.getUTCFullYear() };
}

/** "Friday 4 December" (weekday true) or "4 December". */
export function dayMonth(isoDate, weekday = false) {
  return t(weekday ? "family.date_weekday" : "family.date_day_month", parts(isoDate));
}

/** "4 December 2026". */
export function fullDate(isoDate) {
  return isoDate ? t("family.date_full", parts(isoDate)) : "";
}
