// Words for the API's codes, in the language coordinators and families use, and in the reader's language:
// each list reads its words from the catalogue (messages/labels.js) when used, so a switch of language shows at once.
import { t } from "./i18n.js";

/** { code: words } whose words are looked up on each read. */
function words(prefix, codes) {
  const out = {};
  for (const code of codes) Object.defineProperty(out, code, { get: () => t(`${prefix}.${code}`), enumerable: true });
  return Object.freeze(out);
}

/** [[code, words], ...] for option lists, the words looked up on each read. */
function pairs(prefix, codes) {
  return Object.freeze(codes.map((code) => {
    const pair = [code];
    Object.defineProperty(pair, 1, { get: () => t(`${prefix}.${code}`), enumerable: true });
    return Object.freeze(pair);
  }));
}

export const EXCEPTION_KINDS = words("labels.exception_kinds", ["no_geolocation", "outside_geofence", "missing_check_in", "no_checkout", "checkout_before_checkin", "event_after_cancel", "not_assigned", "clock_skew", "missed", "tag_invalid", "dose_not_given"]);

// A visit's flags (GET /visits/<id> "flags"), as the office reads them.
export const FLAGS = words("labels.flags", ["early", "late", "short", "overrun", "outside_geofence", "unverified_location", "tag_invalid", "tasks_not_done", "client_unconfirmed", "understaffed", "clock_skew", "manual_times"]);

// Marks unit billing puts on a visit's line (payments/units.py), and the group of lines with no flag.
export const BILLING_FLAGS = words("labels.billing_flags", ["over_authorisation", "over_daily_limit", "no_authorisation", "none"]);

// Marks on a single recorded event.
export const EVENT_FLAGS = words("labels.event_flags", ["clock_skew", "after_cancel", "reassigned", "out_of_order", "after_correction"]);

// Why a carer left a task undone (check-out).
// Dose outcomes (server/medication/models.py OUTCOMES); every one but "given" needs a reason.
export const DOSE_OUTCOMES = pairs("labels.dose_outcomes", ["given", "refused", "not_available", "already_taken", "not_given"]);

export const TASK_REASONS = pairs("labels.task_reasons", ["refused", "not_needed", "no_time", "other"]);

export const PAY_DECISIONS = words("labels.pay_decisions", ["accept", "reject"]);

// The payment rules' steps, as named in a payable explanation.
export const PAY_STEPS = words("labels.pay_steps", ["actual", "access_time", "rounding", "tolerance", "cap", "minimum", "rate", "basis", "hold", "status", "decision", "activity_category"]);

export const PAY_OUTCOMES = words("labels.pay_outcomes", ["paid", "held", "not_delivered", "not_paid", "scheduled"]);

export const REASON_CODES = pairs("labels.reason_codes", ["phone_lost_or_broken", "no_signal", "forgot_to_log", "used_client_phone", "client_in_hospital", "client_declined", "client_not_home", "no_access", "carer_unavailable", "carer_delayed", "travel_disruption", "system_fault", "confirmed_with_client", "other"]);

export const CATEGORIES = pairs("labels.categories", ["liaising_health_social", "liaising_family", "care_planning", "review", "gaining_access"]);

export const EVENT_KINDS = words("labels.event_kinds", ["arrival", "check_in", "check_out", "task_done", "note", "outcome_progress"]);

// How a carer showed presence at the door (an event's "method").
export const METHODS = words("labels.methods", ["gps", "qr", "nfc", "code", "sms", "manual"]);

export const GEOFENCE = words("labels.geofence", ["verified", "unverified", "outside", "none", "invalid"]);

/** An event's presence in words: how it was shown, and whether it verified. */
export function presenceText(e) {
  if (e.method && e.method !== "gps") {
    const verdict = e.verdict === "verified" ? t("labels.verified") : GEOFENCE[e.verdict] || e.verdict;
    return `${METHODS[e.method] || e.method}: ${verdict}`;
  }
  const where = GEOFENCE[e.geofence] || e.geofence;
  if (e.distance_m === null || e.distance_m === undefined) return where;
  return t("labels.from_home", { where, metres: Math.round(e.distance_m) });
}

export function exceptionLabel(kind) {
  return EXCEPTION_KINDS[kind] || plain(kind);
}

export function flagLabel(flag) {
  return FLAGS[flag] || plain(flag);
}

export function taskReasonLabel(code) {
  return (TASK_REASONS.find(([c]) => c === code) || [code, plain(code)])[1];
}

/** Any code not in a list above still reads as words, never as an identifier. */
export function plain(code) {
  const words = String(code ?? "").replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
