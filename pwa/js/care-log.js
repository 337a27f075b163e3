// The family's care log for one relative: what carers did at each visit (tasks, outcome progress, notes they
// shared), grouped by week with only the latest week open, shown only where the relative agrees to share it.
import * as api from "./api.js";
import { h, message, nextId } from "./dom.js";
import { dayMonth } from "./date-words.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { addDays, formatTime, localDate } from "./time.js";

const WEEKS = 4;

function monday(isoDate) {
  const weekday = (new Date(`${isoDate}T12:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(isoDate, -weekday);
}

function tasks(entry) {
  if (!entry.tasks.length) return null;
  const done = entry.tasks.filter((task) => task.done).length;
  return h("div", { class: "log-tasks" },
    h("strong", {}, t("family.log_tasks", { done, total: entry.tasks.length })),
    h("ul", { class: "plain-list" }, entry.tasks.map((task) => h("li", { class: task.done ? "is-done" : "is-not-done" },
      icon(task.done ? "check" : "dash"), " ", task.task,
      h("span", { class: "visually-hidden" }, task.done ? t("family.log_done") : t("family.log_not_done"))))));
}

function outcomes(entry, max) {
  if (!entry.outcomes.length) return null;
  return h("div", { class: "log-outcomes" }, h("strong", {}, t("family.log_progress")),
    h("ul", { class: "plain-list" }, entry.outcomes.map((o) => h("li", {},
      `${o.title}: `, h("span", { class: "log-score" }, t("family.log_score", { score: o.score, max })),
      h("meter", { class: "score-bar", min: 0, max, value: o.score, "aria-hidden": "true" })))));
}

function notes(entry) {
  if (!entry.notes.length) return null;
  return h("div", { class: "log-notes" }, h("strong", {}, t("family.log_notes")),
    entry.notes.map((n) => h("blockquote", {}, h("p", {}, n.text),
      h("footer", { class: "muted" }, t("family.log_note_by", { carer: n.carer || t("family.log_carer"), time: formatTime(n.recorded_at) })))));
}

function visitEntry(entry, max) {
  const when = `${dayMonth(entry.local_date, true)}, ${formatTime(entry.started_at || entry.planned_start)}`;
  const carers = entry.carers.join(", ");
  return h("article", { class: "log-visit", dataset: { visitId: entry.visit_id } },
    h("h4", {}, when),
    carers ? h("p", { class: "muted" }, t("family.log_by", { carers })) : null,
    tasks(entry), outcomes(entry, max), notes(entry),
    !entry.tasks.length && !entry.outcomes.length && !entry.notes.length ? h("p", { class: "muted" }, t("family.log_nothing")) : null);
}

/** The panel for one relative, loaded now; withName says whose log it is when there are several. */
export async function careLogPanel(client, withName) {
  const id = nextId("log");
  const today = localDate();
  const first = addDays(monday(today), -7 * (WEEKS - 1));
  const title = h("h2", { id }, icon("check"), withName ? t("family.log_title_for", { name: client.name }) : t("family.log_title"));
  const panel = h("section", { class: "panel care-log", "aria-labelledby": id, dataset: { clientId: client.id } }, title);
  if (!client.share_care_log_with_family) {  // asking would only be refused (403)
    panel.append(h("p", { class: "muted" }, t("family.log_not_shared")));
    return panel;
  }
  let log;
  try {
    log = await api.get(`/api/v1/clients/${client.id}/care-log`, { date_from: first, date_to: today });
  } catch (err) {
    panel.append(err.code === "care_log_not_shared" ? h("p", { class: "muted" }, t("family.log_not_shared"))
      : message("error", err.message));
    return panel;
  }
  panel.append(h("p", { class: "hint" }, t("family.log_intro", { weeks: WEEKS })));
  if (!log.visits.length) {
    panel.append(h("p", { class: "muted" }, t("family.log_empty")));
    return panel;
  }
  const weeks = new Map();
  for (const entry of log.visits) {
    const key = monday(entry.local_date);
    if (!weeks.has(key)) weeks.set(key, []);
    weeks.get(key).push(entry);
  }
  // Newest week first and open; the weeks before it folded, so the page stays short.
  [...weeks.entries()].forEach(([start, entries], i) => {
    const summary = t(start === monday(today) ? "family.log_this_week" : "family.log_week_of", { date: dayMonth(start),
      count: entries.length });
    panel.append(h("details", { class: "log-week", open: i === 0, dataset: { week: start } },
      h("summary", {}, h("h3", {}, summary)),
      entries.map((entry) => visitEntry(entry, log.score_max))));
  });
  return panel;
}
