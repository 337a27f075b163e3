// The PWA's one message catalogue: t("area.key", {name}) in the reader's language (English or Welsh).
// Each area keeps its messages in messages/<area>.js as { en: {...}, cy: {...} }, keys prefixed "<area>.".
import common from "./messages/common.js";
import planner from "./messages/planner.js";

const AREAS = [common, planner];
export const LANGUAGES = { en: "English", cy: "Cymraeg" };
const CATALOGUES = {
  en: Object.assign({}, ...AREAS.map((area) => area.en)),
  cy: Object.assign({}, ...AREAS.map((area) => area.cy)),
};
const STORE = "caremon.lang";

let current = pick(localStorage.getItem(STORE) || document.documentElement.lang || "en");

function pick(lang) {
  return Object.hasOwn(CATALOGUES, lang) ? lang : "en";
}

/** The language in use: "en" or "cy". */
export function lang() {
  return current;
}

/** BCP 47 locale for Intl formatting (en-GB, cy-GB). */
export function locale() {
  return `${current}-GB`;
}

/** Choose the language (kept on this device; the server keeps the user's own choice). */
export function setLang(next) {
  current = pick(next);
  localStorage.setItem(STORE, current);
  document.documentElement.lang = current;
}

/** The message for key, with {placeholders} filled from vars; English if Welsh lacks it, the key if both do. */
export function t(key, vars = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}
