// The PWA's one message catalogue: t("area.key", {name}) in the reader's language (English or Welsh).
// Each area keeps its messages in messages/<area>.js as { en: {...}, cy: {...} }, keys prefixed "<area>.".
import activity from "./messages/activity.js";
import admin from "./messages/admin.js";
import auth from "./messages/auth.js";
import commission from "./messages/commission.js";
import common from "./messages/common.js";
import confirm from "./messages/confirm.js";
import coord from "./messages/coord.js";
import council from "./messages/council.js";
import fairpay from "./messages/fairpay.js";
import family from "./messages/family.js";
import integrations from "./messages/integrations.js";
import labels from "./messages/labels.js";
import medication from "./messages/medication.js";
import outcomes from "./messages/outcomes.js";
import planner from "./messages/planner.js";
import reports from "./messages/reports.js";
import shell from "./messages/shell.js";
import visit from "./messages/visit.js";
import worker from "./messages/worker.js";

// One line an area, so areas added side by side merge cleanly.
const AREAS = [
  common,
  activity,
  admin,
  auth,
  commission,
  confirm,
  coord,
  council,
  fairpay,
  family,
  integrations,
  labels,
  medication,
  outcomes,
  planner,
  reports,
  shell,
  visit,
  worker,
];
export const LANGUAGES = { en: "English", cy: "Cymraeg" };
const CATALOGUES = {
  en: Object.assign({}, ...AREAS.map((area) => area.en)),
  cy: Object.assign({}, ...AREAS.map((area) => area.cy)),
};
const STORE = "caremon.lang";

let current = pick(localStorage.getItem(STORE) || document.documentElement.lang || "en");
document.documentElement.lang = locale();

/** "cy", "cy-GB" and "CY" are Welsh; anything we do not have is English. */
function pick(lang) {
  const primary = String(lang).split("-")[0].toLowerCase();
  return Object.hasOwn(CATALOGUES, primary) ? primary : "en";
}

/** The language in use: "en" or "cy". */
export function lang() {
  return current;
}

/** BCP 47 locale for Intl formatting (en-GB, cy-GB). */
export function locale() {
  return `${current}-GB`;
}

/** Choose the language (kept on this device; the server keeps the user's own choice); screens hear
 * "caremon:language" and draw themselves again. */
export function setLang(next) {
  const chosen = pick(next);
  if (chosen === current) return;
  current = chosen;
  localStorage.setItem(STORE, current);
  document.documentElement.lang = locale();
  window.dispatchEvent(new CustomEvent("caremon:language", { detail: current }));
}

/** The message for key, with {placeholders} filled from vars; English if Welsh lacks it, the key if both do. */
export function t(key, vars = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
