// One visit as the coordinator sees it: flags, reasons, every event, exception, correction and family
// feedback, with the forms to resolve an exception, enter a carer's real times or decide on pay.
import * as api from "./api.js";
import { field, h, message, options, replace } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import {
  EVENT_FLAGS, EVENT_KINDS, PAY_DECISIONS, PAY_OUTCOMES, PAY_STEPS, REASON_CODES, exceptionLabel, flagLabel,
  plain, presenceText, taskReasonLabel,
} from "./labels.js";
import { chip } from "./status.js";
import { formatTime, timeRange, toInputValue } from "./time.js";

export async function renderVisitDetail(container, visitId, { onClose, onChanged, onEdit, flash }) {
  replace(container, h("p", { class: "muted" }, t("coord.detail.loading")));
  // Another visit opened while this one loads wins: a slow answer must not draw over it.
  container.dataset.visitId = String(visitId);
  const stale = () => container.dataset.visitId !== String(visitId);
  let timeline;
  let feedback = [];
  let payable = null;
  try {
    [timeline, feedback, payable] = await Promise.all([
      api.get(`/api/v1/visits/${visitId}`),
      api.get(`/api/v1/visits/${visitId}/feedback`).catch(() => []),
      api.get(`/api/v1/visits/${visitId}/payable`).catch(() => null),
    ]);
  } catch (err) {
    if (!stale()) replace(container, message("error", err.message));
    return;
  }
  const { visit, events, exceptions, corrections } = timeline;
  // The council's own list; the shipped defaults if it cannot be read (offline, older server).
  const codes = await api.get(`/api/v1/councils/${visit.council_id}/reason-codes`)
    .catch(() => REASON_CODES.map(([code, label]) => ({ code, label, active: true })));
  if (stale()) return;
  const reasonLabel = (code) => codes.find((c) => c.code === code)?.label || plain(code);
  const names = new Map(visit.assignments.map((a) => [a.worker_id, a.worker_name]));
  const status = h("div", { "aria-live": "polite" }, flash ? message("ok", flash) : null);
  const close = h("button", { class: "btn btn--small", type: "button" }, t("coord.detail.close"));
  close.addEventListener("click", onClose);
  const open = exceptions.filter((e) => !e.resolved_at);
  const missedOpen = open.some((e) => e.kind === "missed");

  async function act(fn, done) {
    try {
      await fn();
    } catch (err) {
      replace(status, message("error", err.fieldMessage ? err.fieldMessage() : err.message));
      return;
    }
    onChanged();
    await renderVisitDetail(container, visitId, { onClose, onChanged, onEdit, flash: done });
  }

  replace(container,
    h("div", { class: "detail-head" },
      h("div", {},
        h("h2", { id: "detail-title", tabindex: "-1" }, visit.client.name),
        h("p", {}, chip(visit), " ", timeRange(visit), ` · ${visit.planned_minutes} min · `,
          visit.assignments.map((a) => a.worker_name).join(t("coord.detail.and")) || t("coord.exceptions.nobody")),
        flagList(visit.flags),
        h("p", { class: "muted" }, visit.client.address),
        h("p", {}, h("a", { href: `#/clients/${visit.client.id}/medication` }, t("coord.detail.medication")))),
      h("div", { class: "item-actions" },
        onEdit && !["completed", "cancelled"].includes(visit.status)
          ? h("button", { class: "btn btn--small btn--primary", type: "button", onClick: () => onEdit(visit) }, t("coord.detail.change"))
          : null,
        close)),
    status,
    missedOpen ? message("warn", t("coord.detail.missedNeedsReason")) : null,
    visit.cancel_reason ? h("p", {}, h("strong", {}, t("coord.detail.cancelledBecause")), " ", visit.cancel_reason) : null,
    visit.reasons?.length ? [h("h3", {}, t("coord.detail.reasons")), reasonList(visit.reasons, names, reasonLabel)] : null,
    h("h3", {}, t("coord.detail.recorded")),
    events.length ? h("ol", { class: "timeline" }, events.map((e) => h("li", {},
      h("strong", {}, formatTime(e.device_time)), " ", EVENT_KINDS[e.kind] || e.kind,
      e.payload?.task ? `: ${e.payload.task}` : "", e.payload?.text ? `: “${e.payload.text}”` : "",
      e.payload?.score ? `: ${e.payload.score}/5${e.payload.comment ? ` – ${e.payload.comment}` : ""}` : "",
      ` · ${names.get(e.worker_id) || "worker"}`,
      ["arrival", "check_in", "check_out"].includes(e.kind) ? h("span", { class: "presence", dataset: { method: e.method || "gps", verdict: e.verdict || e.geofence } },
        ` · ${presenceText(e)}`) : "",
      (e.flags || []).map((f) => h("span", { class: "flag" }, EVENT_FLAGS[f] || plain(f)))))) : h("p", { class: "muted" }, t("coord.detail.nothingRecorded")),
    corrections.length ? [h("h3", {}, t("coord.detail.corrections")), h("ul", {}, corrections.map((c) => h("li", {},
      `${names.get(c.worker_id) || "worker"}: ${formatTime(c.check_in_at)}–${formatTime(c.check_out_at)}, ${reasonLabel(c.reason_code)}${c.note ? ` (${c.note})` : ""}`)))] : null,
    h("h3", {}, open.length ? t("coord.detail.openExceptions", { n: open.length }) : t("coord.detail.exceptions")),
    exceptions.length ? h("ul", { class: "plain-list exceptions" }, exceptions.map((e) => h("li", {},
      h("strong", {}, exceptionLabel(e.kind)), e.detail ? ` – ${e.detail}` : "",
      e.resolved_at ? h("p", { class: "muted" }, icon("check"), ` ${t("coord.detail.resolved", { how: resolvedText(e, reasonLabel, codes) })}`)
        : resolveForm(e, act, codes.filter((c) => c.active))))) : h("p", { class: "muted" }, t("coord.detail.none")),
    visit.assignments.length ? h("details", { class: "correction", open: open.length > 0 },
      h("summary", {}, t("coord.detail.enterTimes")), correctionForm(visit, act, REASON_CODES)) : null,
    payable ? payableSection(payable, names) : null,
    visit.flags?.length ? payDecision(visit, act) : null,
    h("h3", {}, t("coord.detail.feedback")),
    feedback.length ? feedback.map((f) => h("div", { class: "feedback-item" },
      h("span", { class: "stars" }, icon("star"), ` ${f.rating} of 5`), ` from ${f.author_name}${f.relationship_label ? ` (${f.relationship_label})` : ""}`,
      f.comment ? h("p", {}, `“${f.comment}”`) : null)) : h("p", { class: "muted" }, t("coord.detail.noFeedback")));
  container.querySelector("#detail-title").focus();
}

/** The visit's flags as plain-English tags. */
export function flagList(flags) {
  if (!flags?.length) return null;
  return h("p", { class: "flags", "aria-label": t("coord.detail.flags") }, flags.map((f) => h("span", { class: "flag", dataset: { flag: f } }, flagLabel(f))));
}

function reasonList(reasons, names, reasonLabel) {
  return h("ul", { class: "plain-list reasons" }, reasons.map((r) => {
    const who = r.worker_id ? ` · ${names.get(r.worker_id) || "carer"}` : "";
    if (r.about === "task") return h("li", {}, h("strong", {}, `${r.task}: `), taskReasonLabel(r.code), r.note ? ` – ${r.note}` : "", who);
    if (r.about === "short") return h("li", {}, h("strong", {}, `${t("coord.detail.leftEarly")} `), r.note || "", who);
    return h("li", {}, h("strong", {}, `${t("coord.detail.missed")} `), reasonLabel(r.code), r.external_code ? ` (${r.external_code})` : "",
      r.note ? ` – ${r.note}` : "");
  }));
}

/** "Client in hospital – admitted overnight" from a resolution stored as "client_in_hospital: admitted overnight". */
function resolvedText(exc, reasonLabel, codes) {
  const [head, ...rest] = (exc.resolution || "").split(": ");
  const code = exc.reason_code || (codes.some((c) => c.code === head) ? head : null);
  if (!code) return exc.resolution || "";
  const note = rest.join(": ");
  return `${reasonLabel(code)}${note ? ` – ${note}` : ""}`;
}

/** Accept the flagged visit for pay as recorded, or reject it; a note is always asked for. */
function payDecision(visit, act) {
  const decided = visit.pay_decision
    ? h("p", {}, h("strong", {}, PAY_DECISIONS[visit.pay_decision]), visit.pay_decision_note ? ` – ${visit.pay_decision_note}` : "")
    : h("p", { class: "muted" }, t("coord.detail.noDecision"));
  const choice = (value, text) => h("label", { class: "check" },
    h("input", { type: "radio", name: `pay-${visit.id}`, value, required: true }), text);
  const note = h("input", { type: "text", maxlength: 2000, required: true });
  const form = h("form", { class: "pay-decision" },
    h("fieldset", {}, h("legend", {}, t("coord.detail.decision")), choice("accept", t("coord.detail.accept")), choice("reject", t("coord.detail.reject"))),
    field(t("coord.detail.note"), note),
    h("button", { class: "btn btn--primary", type: "submit" }, t("coord.detail.saveDecision")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const picked = form.querySelector("input[type=radio]:checked");
    if (!picked || !note.value.trim()) {
      (picked ? note : form.querySelector("input[type=radio]")).focus();
      return;
    }
    act(() => api.post(`/api/v1/visits/${visit.id}/pay-decision`, { decision: picked.value, note: note.value.trim() }),
      `${PAY_DECISIONS[picked.value]}.`);
  });
  return [h("h3", {}, t("coord.detail.payTitle")), decided, form];
}

function pounds(pence) {
  return `£${(pence / 100).toFixed(2)}`;
}

/** What the council will pay, and why, line by line as the payment rules applied. */
function payableSection(p, names) {
  return [
    h("h3", {}, t("coord.detail.payable")),
    h("p", {}, h("strong", {}, `${p.minutes} min, ${pounds(p.amount_pence)}`), ` under “${p.rule_set}”`,
      p.held ? h("span", { class: "flag" }, t("coord.detail.held")) : null),
    h("details", {}, h("summary", {}, t("coord.detail.howWorked")),
      h("ul", {}, p.lines.map((line) => h("li", {},
        `${names.get(line.worker_id) || "carer"}: ${line.minutes} min, ${pounds(line.amount_pence)} (${PAY_OUTCOMES[line.outcome] || plain(line.outcome)})`,
        h("ul", {}, line.steps.map((st) => h("li", {}, `${PAY_STEPS[st.rule] || plain(st.rule)}: ${st.before} → ${st.after} min${st.note ? ` (${st.note})` : ""}`))))))),
  ];
}

function resolveForm(exc, act, codes) {
  const reason = h("select", { required: true }, h("option", { value: "" }, exc.kind === "missed" ? t("coord.detail.whyMissed") : t("coord.detail.chooseReason")),
    options(codes.map((c) => [c.code, c.label])));
  const note = h("input", { type: "text", maxlength: 2000 });
  const form = h("form", { class: "field-row", dataset: { exceptionId: exc.id } },
    field(t("coord.detail.reason"), reason), field(t("coord.detail.note"), note),
    h("div", {}, h("button", { class: "btn btn--primary", type: "submit" }, t("coord.detail.resolve"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!reason.value) {
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    act(() => api.post(`/api/v1/visits/${exc.visit_id}/exceptions/${exc.id}/resolve`, {
      reason_code: reason.value, note: note.value.trim() || undefined,
    }), t("coord.detail.resolvedFlash", { kind: exceptionLabel(exc.kind) }));
  });
  return form;
}

function correctionForm(visit, act, reasonCodes) {
  const worker = h("select", {}, options(visit.assignments.map((a) => [a.worker_id, a.worker_name])));
  const start = new Date(visit.planned_start);
  const checkIn = h("input", { type: "datetime-local", value: toInputValue(start), required: true });
  const checkOut = h("input", { type: "datetime-local", value: toInputValue(new Date(start.getTime() + visit.planned_minutes * 60000)), required: true });
  const reason = h("select", { required: true }, h("option", { value: "" }, t("coord.detail.chooseReason")), options(reasonCodes));
  const note = h("input", { type: "text", maxlength: 2000 });
  const overrun = h("input", { type: "checkbox" });
  const form = h("form", {},
    h("fieldset", {},
      h("legend", {}, t("coord.detail.realTimes")),
      h("div", { class: "field-row" }, field(t("coord.detail.worker"), worker), field(t("coord.detail.checkedIn"), checkIn), field(t("coord.detail.checkedOut"), checkOut)),
      h("div", { class: "field-row" }, field(t("coord.detail.reason"), reason), field(t("coord.detail.note"), note)),
      h("label", { class: "check" }, overrun, t("coord.detail.approveOver")),
      h("button", { class: "btn btn--primary", type: "submit" }, t("coord.detail.saveTimes"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!reason.value) {
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    act(() => api.post(`/api/v1/visits/${visit.id}/corrections`, {
      worker_id: Number(worker.value), check_in_at: new Date(checkIn.value).toISOString(),
      check_out_at: new Date(checkOut.value).toISOString(), reason_code: reason.value,
      note: note.value.trim() || undefined, approve_overrun: overrun.checked,
    }), t("coord.detail.timesSaved"));
  });
  return form;
}
