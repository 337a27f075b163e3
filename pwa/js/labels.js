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
};

export const REASON_CODES = [
  ["phone_lost_or_broken", "Phone lost or broken"],
  ["no_signal", "No signal"],
  ["forgot_to_log", "Forgot to log"],
  ["used_client_phone", "Used the client's phone"],
  ["client_in_hospital", "Client in hospital"],
  ["client_declined", "Client declined the visit"],
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

export const GEOFENCE = {
  verified: "location verified",
  unverified: "location too rough (unverified)",
  outside: "outside the home's area",
  none: "no location",
};

export function exceptionLabel(kind) {
  return EXCEPTION_KINDS[kind] || kind.replaceAll("_", " ");
}
