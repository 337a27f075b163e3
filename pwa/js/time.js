// Dates and times as people in the council read them: local wall clock in the council's zone, with day and
// month names in the reader's language (Intl's cy-GB gives "dydd Llun 23 Tachwedd").
import { locale, t } from "./i18n.js";

export const ZONE = "Europe/London";

const formatters = new Map();

/** One Intl formatter per language and options, made when first needed (the language can change). */
function format(options, lang = locale()) {
  const key = `${lang} ${JSON.stringify(options)}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(lang, options));
  return formatters.get(key);
}

const DAY_KEY = { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" };
const CLOCK = { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const CLOCK_SECONDS = { ...CLOCK, second: "2-digit" };
const DAY_NAME = { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" };
const SHORT_DAY = { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" };
const PARTS = { timeZone: ZONE, hour: "numeric", minute: "numeric", hourCycle: "h23" };

/** YYYY-MM-DD of an instant in the council's zone (today by default). */
export function localDate(at = new Date()) {
  return format(DAY_KEY, "en-CA").format(at);
}

export function addDays(isoDate, n) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function formatTime(iso) {
  return iso ? format(CLOCK).format(new Date(iso)) : "";
}

const knows = new Map();

/** Whether this browser's Intl has the language's names (some Chromium builds carry English only). */
function intlKnows(lang) {
  if (!knows.has(lang)) knows.set(lang, Intl.DateTimeFormat.supportedLocalesOf([lang]).length > 0);
  return knows.get(lang);
}

/** "Friday 4 December" / "dydd Gwener 4 Rhagfyr" (or short), from Intl, else from the catalogue's names. */
function dayWords(isoDate, length) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  if (intlKnows(locale())) return format(length === "long" ? DAY_NAME : SHORT_DAY).format(d);
  return t("shell.date_words", { weekday: t(`shell.day_${length}_${d.getUTCDay()}`), day: d.getUTCDate(),
    month: t(`shell.month_${length}_${d.getUTCMonth()}`) });
}

export function formatDay(isoDate) {
  return dayWords(isoDate, "long");
}

export function formatShortDay(isoDate) {
  return dayWords(isoDate, "short");
}

/** Minutes after local midnight, for placing a visit on the roster's time axis. */
export function minuteOfDay(iso) {
  const p = Object.fromEntries(format(PARTS, "en-GB").formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return Number(p.hour) * 60 + Number(p.minute);
}

export function addMinutes(iso, minutes) {
  return new Date(new Date(iso).getTime() + minutes * 60000).toISOString();
}

export function timeRange(visit) {
  return `${formatTime(visit.planned_start)}–${formatTime(addMinutes(visit.planned_start, visit.planned_minutes))}`;
}

/** "5 min ago" style for "last updated" notes. */
export function ago(when) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(when).getTime()) / 1000));
  if (seconds < 60) return t("shell.just_now");
  if (seconds < 3600) return t("shell.minutes_ago", { n: Math.round(seconds / 60) });
  return t("shell.at_time", { time: formatTime(new Date(when).toISOString()) });
}

/** Value for an <input type="datetime-local"> in the browser's own zone. */
export function toInputValue(date = new Date()) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 16);
}

/** HH:MM:SS, for "updated at" notes on screens that refresh every few seconds. */
export function clockTime(at = new Date()) {
  return format(CLOCK_SECONDS).format(at);
}
