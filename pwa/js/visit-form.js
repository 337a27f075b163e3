// The coordinator's visit dialog: plan a visit, or reschedule, reassign or cancel one, and the conflicts that follow.
import * as api from "./api.js";
import { field, h, message, options, replace } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { formatTime, localDate, ZONE } from "./time.js";

const wall = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

/** The UTC instant of a local wall-clock date and time in the council's zone (right across clock changes). */
export function localToUtc(day, hhmm) {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = hhmm.split(":").map(Number);
  const asUtc = Date.UTC(y, m - 1, d, hh, mm);
  const offset = (at) => {
    const p = Object.fromEntries(wall.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - at;
  };
  const first = asUtc - offset(asUtc);
  return new Date(asUtc - offset(first)).toISOString();
}

/** One sentence for a conflict; visitOf(id) names a visit the screen knows by its time and client. */
export function conflictText(c, visitOf) {
  const name = (id) => {
    const v = visitOf(id);
    return v ? `${formatTime(v.planned_start)} ${v.client.name}` : t("coord.conflict.visitN", { id });
  };
  const [a, b] = c.visit_ids.map(name);
  const worker = c.worker_name || t("coord.conflict.aCarer");
  if (c.kind === "double_booked") {
    return t("coord.conflict.double_booked", { worker, a, b, minutes: Math.round(c.overlap_s / 60) });
  }
  return t("coord.conflict.travel_time", { worker, a, b, gap: Math.round(c.gap_s / 60), travel: Math.ceil(c.travel_s / 60) });
}

export function conflictList(conflicts, visitOf) {
  return h("ul", { class: "plain-list conflicts" }, conflicts.map((c) => h("li", { dataset: { kind: c.kind } },
    icon("alert"), " ", conflictText(c, visitOf))));
}

function workerChecks(workers, chosen) {
  return h("fieldset", { class: "carers" }, h("legend", {}, t("coord.form.carers")),
    workers.length ? workers.map((w) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "worker", value: w.id, checked: chosen.includes(w.id) }), w.name))
      : h("p", { class: "muted" }, t("coord.form.noWorkers")));
}

function cancelPart(visit, submit) {
  const reason = h("input", { type: "text", maxlength: 200, required: true, autocomplete: "off" });
  const form = h("form", { class: "cancel-visit" },
    h("fieldset", {}, h("legend", {}, t("coord.form.cancelTitle")),
      field(t("coord.form.cancelReason"), reason, t("coord.form.cancelHint")),
      h("button", { class: "btn btn--danger", type: "submit" }, t("coord.form.cancelVisit"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!reason.value.trim()) {
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    submit({ cancel_reason: reason.value.trim() }, t("coord.form.cancelled"));
  });
  return visit.status === "completed" || visit.status === "cancelled" ? null : form;
}

/** What changed between the visit and the form, so a PATCH carries only that (and is audited as that). */
function changes(visit, body) {
  const before = {
    planned_start: visit.planned_start, planned_minutes: visit.planned_minutes, carers_required: visit.carers_required,
    worker_ids: visit.assignments.map((a) => a.worker_id), tasks: visit.tasks,
  };
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const changed = Object.fromEntries(Object.entries(body).filter(([key, value]) => (key === "planned_start"
    ? new Date(value).getTime() !== new Date(before.planned_start).getTime() : !same(value, before[key]))));
  delete changed.client_id;
  return changed;
}

/**
 * Opens the dialog. visit: the visit to change (null for a new one); preset: {workerId, minute, day} for a new one
 * placed from the board. onSaved(flash) runs after any save; visitOf names visits in conflict warnings.
 */
export async function openVisitDialog({ visit = null, preset = {}, workers, visitOf, onSaved }) {
  const clients = visit ? [] : await api.get("/api/v1/clients");
  const status = h("div", { "aria-live": "polite" });
  const title = visit ? t("coord.form.changeTitle", { client: visit.client.name }) : t("coord.form.newTitle");
  const start = visit ? new Date(visit.planned_start) : null;
  const minute = preset.minute ?? 9 * 60;
  const client = visit ? null : h("select", { required: true },
    h("option", { value: "" }, t("coord.form.chooseClient")),
    options(clients.filter((c) => c.active !== false).map((c) => [c.id, `${c.name} · ${c.address}`])));
  const day = h("input", { type: "date", required: true, value: start ? localDate(start) : preset.day || localDate() });
  const time = h("input", { type: "time", required: true, step: 300,
    value: start ? formatTime(visit.planned_start) : `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}` });
  const minutes = h("input", { type: "number", min: 5, max: 1440, step: 5, required: true, value: visit?.planned_minutes ?? 30 });
  const carers = h("input", { type: "number", min: 1, max: 4, required: true, value: visit?.carers_required ?? 1 });
  const tasks = h("textarea", { rows: 3 }, (visit?.tasks || []).join("\n"));
  const chosen = visit ? visit.assignments.map((a) => a.worker_id) : (preset.workerId ? [preset.workerId] : []);
  const active = workers.filter((w) => w.active !== false || chosen.includes(w.id));
  const locked = visit && ["completed", "cancelled"].includes(visit.status);
  const save = h("button", { class: "btn btn--primary", type: "submit" }, visit ? t("coord.form.saveChanges") : t("coord.form.create"));
  const form = h("form", { class: "visit-form" },
    client ? field(t("coord.form.client"), client) : null,
    h("div", { class: "field-row" }, field(t("coord.form.day"), day), field(t("coord.form.start"), time),
      field(t("coord.form.minutes"), minutes), field(t("coord.form.carersNeeded"), carers)),
    workerChecks(active, chosen),
    field(t("coord.form.tasks"), tasks, t("coord.form.tasksHint")),
    h("div", { class: "item-actions" }, save));
  const close = h("button", { class: "btn btn--small", type: "button" }, t("coord.form.close"));
  const dialog = h("dialog", { class: "card visit-dialog", "aria-labelledby": "visit-dialog-title" },
    h("div", { class: "detail-head" }, h("h2", { id: "visit-dialog-title" }, title), close),
    status, locked ? message("warn", t("coord.form.locked", { status: visit.status })) : form,
    visit ? cancelPart(visit, submit) : null);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());

  async function submit(body, done) {
    let saved;
    try {
      saved = visit ? await api.patch(`/api/v1/visits/${visit.id}`, body) : await api.post("/api/v1/visits", body);
    } catch (err) {
      replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
      return;
    }
    onSaved(done);
    if (!saved.warnings?.length) {
      dialog.close();
      return;
    }
    // Saved all the same: the coordinator may know better, but sees what the plan now asks of each carer.
    const known = (id) => (id === saved.id ? saved : visitOf(id));
    replace(status, h("div", { class: "message message--warn", role: "alert" },
      h("strong", {}, t("coord.form.savedWithConflicts")), conflictList(saved.warnings, known)));
    form.remove();
    dialog.querySelector(".cancel-visit")?.remove();
    close.focus();
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (client && !client.value) {
      client.setAttribute("aria-invalid", "true");
      client.focus();
      return;
    }
    const body = {
      planned_start: localToUtc(day.value, time.value), planned_minutes: Number(minutes.value),
      carers_required: Number(carers.value),
      worker_ids: [...form.querySelectorAll("input[name=worker]:checked")].map((el) => Number(el.value)),
      tasks: tasks.value.split("\n").map((x) => x.trim()).filter(Boolean),
    };
    if (client) body.client_id = Number(client.value);
    const sent = visit ? changes(visit, body) : body;
    if (visit && !Object.keys(sent).length) {
      dialog.close();
      return;
    }
    submit(sent, visit ? t("coord.form.changed") : t("coord.form.created"));
  });
  document.body.append(dialog);
  dialog.showModal();
  (client || day).focus();
  return dialog;
}
