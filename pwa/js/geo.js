// Where the phone is, with how sure it is. A refusal or failure is an answer too: the event is still
// recorded, without a position, and the server marks it unverified for the coordinator to review.

import { t } from "./i18n.js";

const MESSAGES = {
  denied: "visit.geo_denied",
  unavailable: "visit.geo_unavailable",
  timeout: "visit.geo_timeout",
  unsupported: "visit.geo_unsupported",
};

export function locate({ timeout = 15000 } = {}) {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve({ error: "unsupported", message: t(MESSAGES.unsupported) });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({
        lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
      }),
      (err) => {
        const reason = { 1: "denied", 2: "unavailable", 3: "timeout" }[err.code] || "unavailable";
        resolve({ error: reason, message: t(MESSAGES[reason]) });
      },
      { enableHighAccuracy: true, timeout, maximumAge: 30000 },
    );
  });
}

export function describeFix(fix) {
  if (!fix || fix.lat === undefined || fix.lat === null) return t("visit.geo_none");
  return t("visit.geo_within", { metres: Math.round(fix.accuracy_m) });
}
