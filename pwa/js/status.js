// A visit's state in words, icon and colour tone: never colour alone. Labels are catalogue keys until shown.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";

const STATES = {
  scheduled: { label: "shell.state_scheduled", icon: "clock", tone: "ontime" },
  en_route: { label: "shell.state_en_route", icon: "play", tone: "progress" },
  in_progress: { label: "shell.state_in_progress", icon: "play", tone: "progress" },
  completed: { label: "shell.state_completed", icon: "check", tone: "done" },
  late: { label: "shell.state_late", icon: "alert", tone: "late" },
  missed: { label: "shell.state_missed", icon: "cross", tone: "missed" },
  cancelled: { label: "shell.state_cancelled", icon: "dash", tone: "cancelled" },
};

export const LEGEND = ["scheduled", "in_progress", "completed", "late", "missed", "cancelled"];

/** label: full words for chips; short: the same for the roster's narrow blocks. */
export function describe(visit) {
  const base = STATES[visit.status];
  const label = base ? t(base.label) : visit.status;
  const d = { ...(base || { icon: "dash", tone: "ontime" }), label, short: label };
  if (visit.status === "completed" && visit.punctuality === "late") {
    return { ...d, label: t("shell.state_completed_late"), short: t("shell.state_done_late") };
  }
  if (visit.status === "in_progress" && visit.punctuality === "late") {
    return { ...d, label: t("shell.state_started_late"), short: t("shell.state_started_late_short") };
  }
  if (visit.status === "scheduled" && visit.expected_arrival) {
    return { ...d, icon: "alert", label: t("shell.state_delay_expected"), short: t("shell.state_delay_expected_short") };
  }
  if (visit.status === "scheduled") return { ...d, label: t("shell.state_on_time") };
  if (visit.status === "completed") return { ...d, short: t("shell.state_done") };
  return d;
}

/** The state's icon, tone and label (in the reader's language). */
export function stateOf(status) {
  return STATES[status] && { ...STATES[status], label: t(STATES[status].label) };
}

export function chip(visit, extraLabel) {
  const d = describe(visit);
  return h("span", { class: `chip tone-${d.tone}`, dataset: { status: visit.status } },
    icon(d.icon), d.label, extraLabel ? ` · ${extraLabel}` : null);
}

export function legendChip(status) {
  const d = STATES[status];
  return h("span", { class: `chip tone-${d.tone}` }, icon(d.icon), t(status === "scheduled" ? "shell.state_on_time" : d.label));
}
