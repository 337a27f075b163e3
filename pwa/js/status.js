// A visit's state in words, icon and colour tone: never colour alone.
import { h } from "./dom.js";
import { icon } from "./icons.js";

const STATES = {
  scheduled: { label: "Scheduled", icon: "clock", tone: "ontime" },
  en_route: { label: "On the way", icon: "play", tone: "progress" },
  in_progress: { label: "In progress", icon: "play", tone: "progress" },
  completed: { label: "Completed", icon: "check", tone: "done" },
  late: { label: "Late", icon: "alert", tone: "late" },
  missed: { label: "Missed", icon: "cross", tone: "missed" },
  cancelled: { label: "Cancelled", icon: "dash", tone: "cancelled" },
};

export const LEGEND = ["scheduled", "in_progress", "completed", "late", "missed", "cancelled"];

/** label: full words for chips; short: the same for the roster's narrow blocks. */
export function describe(visit) {
  const base = STATES[visit.status] || { label: visit.status, icon: "dash", tone: "ontime" };
  const d = { ...base, short: base.label };
  if (visit.status === "completed" && visit.punctuality === "late") return { ...d, label: "Completed late", short: "Done late" };
  if (visit.status === "in_progress" && visit.punctuality === "late") return { ...d, label: "In progress, started late", short: "Started late" };
  if (visit.status === "scheduled" && visit.expected_arrival) return { ...d, icon: "alert", label: "Scheduled, delay expected", short: "Delay expected" };
  if (visit.status === "scheduled") return { ...d, label: "Scheduled, on time" };
  if (visit.status === "completed") return { ...d, short: "Done" };
  return d;
}

export function stateOf(status) {
  return STATES[status];
}

export function chip(visit, extraLabel) {
  const d = describe(visit);
  return h("span", { class: `chip tone-${d.tone}`, dataset: { status: visit.status } },
    icon(d.icon), d.label, extraLabel ? ` · ${extraLabel}` : null);
}

export function legendChip(status) {
  const d = STATES[status];
  return h("span", { class: `chip tone-${d.tone}` }, icon(d.icon), status === "scheduled" ? "Scheduled, on time" : d.label);
}
