// Where the phone is, with how sure it is. A refusal or failure is an answer too: the event is still
// recorded, without a position, and the server marks it unverified for the coordinator to review.

const MESSAGES = {
  denied: "Location is switched off for Caremon, so this is recorded as unverified. Your coordinator will review it. You can allow location in your browser settings.",
  unavailable: "Your phone could not find its location, so this is recorded as unverified.",
  timeout: "Finding your location took too long, so this is recorded as unverified.",
  unsupported: "This browser cannot share a location, so this is recorded as unverified.",
};

export function locate({ timeout = 15000 } = {}) {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve({ error: "unsupported", message: MESSAGES.unsupported });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve({
        lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy_m: Math.round(pos.coords.accuracy * 10) / 10,
      }),
      (err) => {
        const reason = { 1: "denied", 2: "unavailable", 3: "timeout" }[err.code] || "unavailable";
        resolve({ error: reason, message: MESSAGES[reason] });
      },
      { enableHighAccuracy: true, timeout, maximumAge: 30000 },
    );
  });
}

export function describeFix(fix) {
  if (!fix || fix.lat === undefined || fix.lat === null) return "no location (unverified)";
  return `location within ${Math.round(fix.accuracy_m)} m`;
}
