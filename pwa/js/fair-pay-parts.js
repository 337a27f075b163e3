// Fair-pay figures as people read them: minutes as hours and minutes, minor units as pounds, in the reader's language.
import { h } from "./dom.js";
import { icon } from "./icons.js";
import { locale, t } from "./i18n.js";

/** 150 -> "2 h 30 min"; 45 -> "45 min". */
export function duration(minutes) {
  if (minutes === null || minutes === undefined) return "–";
  const hours = Math.floor(minutes / 60);
  return hours ? t("fairpay.hm", { h: hours, m: minutes % 60 }) : t("fairpay.min", { m: minutes });
}

/** Whole pence as pounds: 1271 -> "£12.71". */
export function money(minor) {
  if (minor === null || minor === undefined) return "–";
  return new Intl.NumberFormat(locale(), { style: "currency", currency: "GBP" }).format(minor / 100);
}

/** A YYYY-MM-DD date written out: "Mon 23 Nov 2026". */
export function day(isoDate) {
  return new Intl.DateTimeFormat(locale(), { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" })
    .format(new Date(`${isoDate}T12:00:00Z`));
}

/** Below the minimum, at or above it, or no rate to tell: in words and an icon, not colour alone. */
export function verdict(below) {
  if (below === true) return h("span", { class: "chip tone-missed", dataset: { verdict: "below" } }, icon("alert"), t("fairpay.below"));
  if (below === false) return h("span", { class: "chip tone-done", dataset: { verdict: "ok" } }, icon("check"), t("fairpay.atOrAbove"));
  return h("span", { class: "chip tone-ontime", dataset: { verdict: "unknown" } }, t("fairpay.noRate"));
}
