// Words for the API's codes, in the language coordinators and families use.

export const EXCEPTION_KINDS = {
  no_geolocation: "No location on check-in/out",
  outside_geofence: "Checked in away from the home",
  missing_check_in: "No check-in",
  no_checkout: "No check-out",
  checkout_before_checkin: "Check-out before check-in",
  event_after_cancel: "Recorded after cancellation",
  not_assigned: "Worker not assigned",
  clock_skew: "Phone clock wrong",
  missed: "Missed: say why",
  tag_invalid: "Home tag not valid",
  dose_not_given: "Dose refused or not given",
};

// A visit's flags (GET /visits/<id> "flags"), as the office reads them.
export const FLAGS = {
  early: "Started early",
  late: "Started late",
  short: "Shorter than planned",
  overrun: "Longer than planned",
  outside_geofence: "Away from the home",
  unverified_location: "Location not verified",
  tag_invalid: "Home tag not valid",
  tasks_not_done: "Tasks not done",
  client_unconfirmed: "Not confirmed by client or family",
  understaffed: "Fewer carers than planned",
  clock_skew: "Phone clock wrong",
  manual_times: "Times entered by the office",
};

// Marks unit billing puts on a visit's line (payments/units.py), and the group of lines with no flag.
export const BILLING_FLAGS = {
  over_authorisation: "Over the authorisation",
  over_daily_limit: "Over the daily unit limit",
  no_authorisation: "No authorisation",
  none: "No flag",
};

// Marks on a single recorded event.
export const EVENT_FLAGS = {
  clock_skew: "phone clock wrong",
  after_cancel: "after the visit was cancelled",
  reassigned: "from a carer no longer on the visit",
  out_of_order: "arrived before the check-in",
  after_correction: "after the office entered times",
};

// Why a carer left a task undone (check-out).
// Dose outcomes (server/medication/models.py OUTCOMES); every one but "given" needs a reason.
export const DOSE_OUTCOMES = [
  ["given", "Given"],
  ["refused", "Refused"],
  ["not_available", "Not available"],
  ["already_taken", "Already taken"],
  ["not_given", "Not given (other reason)"],
];

export const TASK_REASONS = [
  ["refused", "Client refused"],
  ["not_needed", "Not needed today"],
  ["no_time", "No time"],
  ["other", "Other (say why)"],
];

export const PAY_DECISIONS = { accept: "Accepted for pay", reject: "Rejected for pay" };

// The payment rules' steps, as named in a payable explanation.
export const PAY_STEPS = {
  actual: "Measured time", access_time: "Access time", rounding: "Rounding", tolerance: "Tolerance", cap: "Cap",
  minimum: "Minimum", rate: "Rate", basis: "Basis", hold: "Held", status: "Not payable", decision: "Office decision",
  activity_category: "Category",
};

export const PAY_OUTCOMES = {
  paid: "paid", held: "held", not_delivered: "not delivered", not_paid: "not paid", scheduled: "not yet due",
};

export const REASON_CODES = [
  ["phone_lost_or_broken", "Phone lost or broken"],
  ["no_signal", "No signal"],
  ["forgot_to_log", "Forgot to log"],
  ["used_client_phone", "Used the client's phone"],
  ["client_in_hospital", "Client in hospital"],
  ["client_declined", "Client declined the visit"],
  ["client_not_home", "Client not at home"],
  ["no_access", "Could not get into the home"],
  ["carer_unavailable", "No carer available"],
  ["carer_delayed", "Carer delayed at another visit"],
  ["travel_disruption", "Travel disruption (weather, roads)"],
  ["system_fault", "System fault"],
  ["confirmed_with_client", "Confirmed with the client"],
  ["other", "Other (say why in the note)"],
];

export const CATEGORIES = [
  ["liaising_health_social", "Liaising with health or social care staff"],
  ["liaising_family", "Liaising with family"],
  ["care_planning", "Care and support planning"],
  ["review", "Review"],
  ["gaining_access", "Gaining access to the home"],
];

export const EVENT_KINDS = {
  arrival: "Arrived at the door",
  check_in: "Checked in",
  check_out: "Checked out",
  task_done: "Task done",
  note: "Note",
  outcome_progress: "Outcome progress",
};

// How a carer showed presence at the door (an event's "method").
export const METHODS = {
  gps: "GPS",
  qr: "home's QR code",
  nfc: "home's NFC sticker",
  code: "home's code typed",
  sms: "text message",
  manual: "entered by the office",
};

export const GEOFENCE = {
  verified: "location verified",
  unverified: "location too rough (unverified)",
  outside: "outside the home's area",
  none: "no location",
  invalid: "not this home's tag (revoked, another home's or altered)",
};

/** An event's presence in words: how it was shown, and whether it verified. */
export function presenceText(e) {
  if (e.method && e.method !== "gps") {
    return `${METHODS[e.method] || e.method}: ${e.verdict === "verified" ? "verified" : GEOFENCE[e.verdict] || e.verdict}`;
  }
  const away = e.distance_m !== null && e.distance_m !== undefined ? ` (${Math.round(e.distance_m)} m from home)` : "";
  return `${GEOFENCE[e.geofence] || e.geofence}${away}`;
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
