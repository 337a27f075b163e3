// One visit on the worker's phone: arrived, check in, medication, tasks, outcome progress, notes, check out
// (with a reason for each task not done and for leaving well before the planned time).
// Every tap is saved on the phone first (outbox) and uploads when it can.
import { field, h, keepingInputs, message, nextId, replace } from "../dom.js";
import { doseRound } from "../dose-round.js";
import { dosesWithLocal, loadDoses } from "../doses.js";
import { describeFix, locate } from "../geo.js";
import { icon } from "../icons.js";
import { TASK_REASONS } from "../labels.js";
import * as outbox from "../outbox.js";
import { loadVisit, outcomesFor, progress, shownStatus } from "../run.js";
import { chip } from "../status.js";
import { signaturePad } from "../signature-pad.js";
import { canScan, canTap, readNfc, scanQr } from "../tag-reader.js";
import { t } from "../i18n.js";
import { formatTime, timeRange } from "../time.js";
import { shareToggle } from "../note-share.js";

export async function render(main, { user, params }) {
  const visitId = Number(params[0]);
  const root = h("section", { class: "worker", "aria-labelledby": "visit-title" });
  const live = h("div", { class: "geo-note", "aria-live": "assertive", tabindex: "-1" });
  main.append(root);
  let data = null;
  let outcomes = [];
  let doses = null;
  let openDose = null;
  let busy = false;
  let refetchedAt = 0;
  let askingReasons = false;
  // The tag reading under way ({ kind, how: "qr" | "nfc", abort }), and the presence chosen for a check-out
  // that first asks for reasons.
  let reading = null;
  let outPresence = null;
  // A check-out waiting for the client's or family's confirmation: what it will carry, and how presence was shown.
  let confirming = null;

  async function load() {
    try {
      data = await loadVisit(user.id, visitId);
      outcomes = await outcomesFor(user.id, visitId);
      doses = await loadDoses(visitId).catch(() => null);
    } catch (err) {
      replace(root, backLink(), message("error", err.status === 404 ? t("visit.not_on_run") :
        err.status === 0 ? t("visit.offline_not_saved") : err.message));
      return;
    }
    await draw();
  }

  async function record(kind, extra = {}, { withLocation = false, button, clear = [] } = {}) {
    if (busy) return;
    busy = true;
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
    let fix = {};
    if (withLocation) {
      replace(live, message("ok", t("visit.finding_location")));
      fix = await locate();
    }
    await outbox.recordEvent({
      visit_id: visitId, kind, device_time: new Date().toISOString(),
      lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy_m, ...extra,
    });
    for (const el of clear) {
      if (el.type === "radio") el.checked = false;
      else el.value = "";
    }
    const saved = t(navigator.onLine ? "visit.saved" : "visit.saved_offline");
    if (fix.error) replace(live, message("warn", `${fix.message} ${saved}`));
    else if (withLocation) replace(live, message("ok", t("visit.recorded_at", { what: labelOf(kind), where: describeFix(fix), saved })));
    else replace(live, message("ok", navigator.onLine ? t("visit.recorded", { what: labelOf(kind) })
      : t("visit.recorded_offline", { what: labelOf(kind), saved })));
    busy = false;
    await draw();
    // The tapped button is gone (replaced by what was recorded): keep keyboard users at the result.
    if (!root.contains(document.activeElement)) live.focus({ preventScroll: true });
  }

  // Dose records and PRN effects go through the outbox like every event; the form closes on the saved answer.
  async function queueDose(save, what, button) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    await save();
    openDose = null;
    replace(live, message("ok", navigator.onLine ? t("visit.recorded", { what })
      : t("visit.recorded_offline", { what, saved: t("visit.saved_offline") })));
    busy = false;
    await draw();
    if (!root.contains(document.activeElement)) live.focus({ preventScroll: true });
  }

  const recordDose = (fields, button) => queueDose(
    () => outbox.recordDose({ visit_id: visitId, administered_at: new Date().toISOString(), ...fields }),
    t(fields.outcome === "given" ? "visit.dose_given" : "visit.dose_not_given"), button);
  const recordEffect = (fields, button) => queueDose(
    () => outbox.recordDoseEffect({ visit_id: visitId, recorded_at: new Date().toISOString(), ...fields }),
    t("visit.effect_recorded"), button);

  async function draw() {
    const entries = await outbox.forVisit(visitId);
    keepingInputs(root, () => paint(entries));
    // Once uploads are answered, fetch the visit again for the server's verdicts (geofence, status).
    const known = new Set([...(data.timeline.events || []), ...(doses?.records || [])].map((e) => e.idempotency_key));
    const settled = entries.filter((e) => outbox.isSettled(e));
    if (navigator.onLine && settled.length > refetchedAt && settled.some((e) => !known.has(e.idempotency_key))) {
      refetchedAt = settled.length;
      load();
    }
  }

  function paint(entries) {
    const { timeline, savedAt } = data;
    const visit = timeline.visit;
    const p = progress(timeline, user.worker_id, entries);
    const mine = visit.assignments.find((a) => a.worker_id === user.worker_id);
    if (!p.checkIn && mine?.checked_in_at) p.checkIn = { at: mine.checked_in_at, pending: false, geofence: mine.check_in_geofence };
    if (!p.checkOut && mine?.checked_out_at) p.checkOut = { at: mine.checked_out_at, pending: false, geofence: mine.check_out_geofence };
    const status = shownStatus(visit, entries);
    const checkedIn = Boolean(p.checkIn);
    const finished = Boolean(p.checkOut);
    const others = visit.assignments.filter((a) => a.worker_id !== user.worker_id).map((a) => a.worker_name);

    const arriveBtn = h("button", { class: "btn btn--block", type: "button", disabled: Boolean(p.arrival || checkedIn) },
      icon("door"), t("visit.arrived"));
    arriveBtn.addEventListener("click", () => record("arrival", {}, { withLocation: true, button: arriveBtn }));
    const checkInBtn = h("button", { class: "btn btn--primary btn--block", type: "button", disabled: checkedIn },
      icon("play"), t("visit.check_in"));
    checkInBtn.addEventListener("click", () => record("check_in", {}, { withLocation: true, button: checkInBtn }));
    const checkOut = (presence, button) => {
      if (unticked.length || leavingEarly) {
        askingReasons = true;
        outPresence = presence;
        draw().then(() => root.querySelector(".checkout-reasons input, .checkout-reasons textarea")?.focus());
      } else {
        leave({}, presence, button);
      }
    };
    const checkOutBtn = h("button", { class: "btn btn--primary btn--block", type: "button", disabled: !checkedIn || finished },
      icon("check"), t("visit.check_out"));
    const unticked = visit.tasks.filter((task) => !p.tasks.has(task));
    const round = doses ? dosesWithLocal(doses, entries) : null;
    // The contract asks for every due dose to be recorded before the visit can end.
    const dosesFirst = round && doses.require_doses_before_checkout ? round.undone : [];
    if (dosesFirst.length) checkOutBtn.disabled = true;
    const leavingEarly = Boolean(p.checkIn) && Date.now() - new Date(p.checkIn.at).getTime() < visit.planned_minutes * 60000 * SHORT_SHARE;
    checkOutBtn.addEventListener("click", () => checkOut(null, checkOutBtn));

    replace(root,
      backLink(),
      h("header", { class: "visit-head" },
        h("h1", { id: "visit-title" }, visit.client.name),
        h("p", {}, chip({ ...visit, status }), " ", h("span", { class: "muted" }, timeRange(visit), ` · ${t("visit.minutes", { n: visit.planned_minutes })}`)),
        h("p", { class: "run-address" }, icon("pin"), " ", visit.client.address, visit.client.postcode ? `, ${visit.client.postcode}` : ""),
        visit.client.access_notes ? h("p", { class: "access-note" }, h("strong", {}, t("visit.access")), visit.client.access_notes) : null,
        others.length ? h("p", {}, t("visit.double_up", { names: others.join(", ") })) : null,
        savedAt ? h("p", { class: "hint" }, t("visit.offline_copy")) : null),
      live,
      step(t("visit.step_arrive"), [
        p.arrival ? done(t("visit.arrived_at", { time: formatTime(p.arrival.at) }), p.arrival) : checkedIn ? null : arriveBtn,
        p.checkIn ? done(t("visit.checked_in_at", { time: formatTime(p.checkIn.at), fix: fixText(p.checkIn) }), p.checkIn) : checkInBtn,
        p.checkIn ? null : tagChoices("check_in", (presence) => record("check_in", presence)),
      ]),
      round && (round.due.length || round.asRequired.length) ? step(
        t("visit.step_medication", { done: round.due.length - round.undone.length, due: round.due.length }), [
          doseRound(round, { enabled: checkedIn && !finished, open: openDose, on: {
            record: recordDose, effect: recordEffect, open: (key) => { openDose = key; draw(); }, refuse } }),
          !checkedIn ? h("p", { class: "hint" }, t("visit.check_in_for_doses")) : null,
        ]) : null,
      step(t("visit.step_tasks", { done: p.tasks.size, total: visit.tasks.length }), [
        visit.tasks.length ? h("ul", { class: "tasks" }, visit.tasks.map((task) => taskRow(task, p.tasks.get(task), checkedIn)))
          : h("p", { class: "muted" }, t("visit.no_tasks")),
      ]),
      outcomes.length ? step(t("visit.step_outcomes"), outcomes.map((o) => outcomeForm(o, p.outcomes.filter((x) => x.outcome_id === o.id), checkedIn))) : null,
      step(t("visit.step_notes"), [
        p.notes.map((n) => done(`${formatTime(n.at)}: ${n.text}`, n)),
        noteForm(),
      ]),
      step(t("visit.check_out"), [
        p.checkOut ? done(t("visit.checked_out_at", { time: formatTime(p.checkOut.at), fix: fixText(p.checkOut) }), p.checkOut)
          : confirming && checkedIn ? confirmationForm(visit)
            : askingReasons && checkedIn ? reasonsForm(unticked, leavingEarly, visit) : checkOutBtn,
        checkedIn && !finished && !askingReasons && !confirming ? tagChoices("check_out", (presence) => checkOut(presence)) : null,
        !checkedIn && !finished ? h("p", { class: "hint" }, t("visit.check_in_first")) : null,
        dosesFirst.length && !finished ? h("p", { class: "hint", dataset: { testid: "doses-first" } },
          t("visit.doses_first", { doses: dosesFirst.map((d) => `${d.version.name} (${d.slot})`).join(", ") })) : null,
      ]));
  }

  function taskRow(task, doneStep, enabled) {
    if (doneStep) {
      return h("li", { class: "task is-done" }, h("span", { class: "task-name" }, task),
        h("span", { class: `step-done${doneStep.pending ? " is-pending" : ""}` }, icon(doneStep.pending ? "upload" : "check"),
          t(doneStep.pending ? "visit.done_waiting" : "visit.done")));
    }
    const btn = h("button", { class: "btn", type: "button", disabled: !enabled, "aria-label": t("visit.mark_task_done", { task }) }, icon("check"), t("visit.mark_done"));
    btn.addEventListener("click", () => record("task_done", { task }, { button: btn }));
    return h("li", { class: "task" }, h("span", { class: "task-name" }, task), btn);
  }

  function outcomeForm(outcome, recorded, enabled) {
    const name = nextId("score");
    const scores = h("fieldset", { class: "scores", "aria-describedby": `${name}-hint` },
      h("legend", {}, t("visit.score"), h("span", { class: "visually-hidden" }, ` ${t("visit.score_for", { title: outcome.title })}`)),
      [1, 2, 3, 4, 5].map((n) => h("label", { class: "score" },
        h("input", { type: "radio", name, value: n, disabled: !enabled, "aria-label": t("visit.n_of_5", { n }), dataset: { keep: `outcome-${outcome.id}-${n}` } }),
        h("span", { "aria-hidden": "true" }, String(n)))));
    const comment = h("textarea", { rows: 2, disabled: !enabled, maxlength: 4000, dataset: { keep: `outcome-${outcome.id}-comment` } });
    const save = h("button", { class: "btn btn--block", type: "submit", disabled: !enabled }, t("visit.save_progress"));
    const form = h("form", { class: "outcome" },
      h("h3", {}, outcome.title),
      recorded.map((r) => done(t("visit.recorded_score", { score: r.score }) + (r.comment ? ` – ${r.comment}` : ""), r)),
      scores,
      h("p", { class: "hint", id: `${name}-hint` }, t("visit.score_hint")),
      field(t("visit.comment_optional"), comment),
      save);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const picked = form.querySelector(`input[name="${name}"]:checked`);
      if (!picked) {
        replace(live, message("error", t("visit.choose_score", { title: outcome.title })));
        return;
      }
      record("outcome_progress", { outcome_id: outcome.id, score: Number(picked.value), comment: comment.value.trim() || null },
        { button: save, clear: [comment, ...form.querySelectorAll("input[type=radio]")] });
    });
    return form;
  }

  /** Before checking out: why each task was not done, and why the visit ends well before its planned time. */
  function reasonsForm(unticked, leavingEarly, visit) {
    const taskSets = unticked.map((task, i) => {
      const name = `task-reason-${i}`;
      const note = h("input", { type: "text", maxlength: 2000, dataset: { keep: `${name}-note` } });
      return {
        task, note, name,
        el: h("fieldset", { class: "reason-set", dataset: { task } },
          h("legend", {}, t("visit.why_not_done", { task })),
          TASK_REASONS.map(([value, label]) => h("label", { class: "check" },
            h("input", { type: "radio", name, value, dataset: { keep: `${name}-${value}` } }), label)),
          field(t("visit.note_for_other"), note)),
      };
    });
    const early = leavingEarly ? h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: "short-reason" } }) : null;
    const confirm = h("button", { class: "btn btn--primary btn--block", type: "submit" }, icon("check"), t("visit.check_out"));
    const back = h("button", { class: "btn btn--quiet btn--block", type: "button" }, t("visit.back_to_visit"));
    back.addEventListener("click", () => { askingReasons = false; draw(); });
    const form = h("form", { class: "checkout-reasons", novalidate: true },
      h("p", {}, unticked.length ? `${t("visit.not_ticked", { n: unticked.length, total: visit.tasks.length })} ` : "",
        leavingEarly ? t("visit.leaving_early", { minutes: visit.planned_minutes }) : ""),
      taskSets.map((set) => set.el),
      early ? field(t("visit.why_early"), early) : null,
      confirm, back);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const taskReasons = [];
      for (const set of taskSets) {
        const picked = form.querySelector(`input[name="${set.name}"]:checked`);
        if (!picked) return refuse(t("visit.choose_why", { task: set.task }), set.el.querySelector("input"));
        if (picked.value === "other" && !set.note.value.trim()) return refuse(t("visit.say_why", { task: set.task }), set.note);
        taskReasons.push({ task: set.task, reason: picked.value, note: set.note.value.trim() || undefined });
      }
      if (early && !early.value.trim()) return refuse(t("visit.say_why_early"), early);
      askingReasons = false;
      const presence = outPresence;
      outPresence = null;
      leave({ task_reasons: taskReasons.length ? taskReasons : undefined, short_reason: early?.value.trim() || undefined },
        presence, confirm);
    });
    return form;
  }

  /** Check out, first asking the client or family to confirm where the contract says so. */
  function leave(extra, presence, button) {
    if (data.timeline.visit.require_client_confirmation) {
      confirming = { extra, presence };
      draw().then(() => root.querySelector(".confirm-visit input, .confirm-visit canvas")?.focus());
      return;
    }
    record("check_out", { ...extra, ...presence }, { withLocation: !presence, button });
  }

  /** The client or a family member confirms the visit: the family's PIN, or a signature drawn here. */
  function confirmationForm(visit) {
    const pinSet = visit.client.confirmation_pin_set;
    const pin = pinSet ? h("input", { type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 8 }) : null;
    const pad = signaturePad({ label: t("visit.signature_label") });
    const signer = h("input", { type: "text", maxlength: 200, autocomplete: "off" });
    const confirm = h("button", { class: "btn btn--primary btn--block", type: "submit" }, icon("check"), t("visit.confirm_and_check_out"));
    const skip = h("button", { class: "btn btn--quiet btn--block", type: "button" }, t("visit.nobody_confirms"));
    const send = (given, button) => {
      const { extra, presence } = confirming;
      confirming = null;
      record("check_out", { ...extra, ...presence, confirmation: given }, { withLocation: !presence, button });
    };
    skip.addEventListener("click", () => send(undefined, skip));
    const form = h("form", { class: "confirm-visit", novalidate: true },
      h("p", {}, t("visit.ask_confirm", { name: visit.client.name })),
      pin ? field(t("visit.family_pin"), pin, t("visit.family_pin_hint")) : null,
      h("p", { class: "hint" }, t(pin ? "visit.or_sign_below" : "visit.sign_below")),
      pad.el,
      field(t("visit.signer_name"), signer),
      confirm, skip);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (pin?.value) {
        if (!/^[0-9]{4,8}$/.test(pin.value)) return refuse(t("visit.pin_digits"), pin);
        return send({ pin: pin.value }, confirm);
      }
      if (pad.isEmpty()) return refuse(t(pin ? "visit.pin_or_sign" : "visit.please_sign"), pin || pad.el);
      send({ signature: pad.dataUrl(), signer_name: signer.value.trim() || undefined }, confirm);
    });
    return form;
  }

  /** No GPS indoors? The home's tag instead: scan its QR code, tap its sticker or type its code. */
  function tagChoices(kind, use) {
    const id = `${kind}-code`;
    const code = h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", maxlength: 8,
      pattern: "[0-9 ]{4,9}", dataset: { keep: id } });
    const form = h("form", { class: "tag-code", novalidate: true },
      field(t("visit.type_code"), code, t("visit.type_code_hint")),
      h("button", { class: "btn btn--block", type: "submit" }, t("visit.use_code")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const digits = code.value.replace(/\s/g, "");
      if (!/^[0-9]{4,8}$/.test(digits)) return refuse(t("visit.type_digits"), code);
      use({ method: "code", code: digits });
    });
    const start = async (how) => {
      const abort = new AbortController();
      reading = { kind, how, abort };
      await draw();
      const video = root.querySelector("video.tag-camera");
      (how === "qr" ? scanQr(video, abort.signal) : readNfc(abort.signal)).then((payload) => {
        reading = null;
        if (payload) use({ method: how, tag: payload });
        else draw();
      }, (err) => {
        reading = null;
        replace(live, message("error", t("visit.tag_failed", { reason: err.message || err.name })));
        draw();
      });
    };
    if (reading?.kind === kind) {
      const stop = h("button", { class: "btn btn--quiet btn--block", type: "button" }, t("visit.stop"));
      stop.addEventListener("click", () => reading.abort.abort());
      return h("div", { class: "tag-reading", role: "group", "aria-label": t("visit.reading_tag") },
        reading.how === "qr" ? h("video", { class: "tag-camera", "aria-label": t("visit.camera_label") })
          : h("p", { class: "hint" }, t("visit.hold_phone")),
        stop);
    }
    const scan = h("button", { class: "btn btn--block", type: "button" }, icon("camera"), t("visit.scan_qr"));
    scan.addEventListener("click", () => start("qr"));
    const tap = h("button", { class: "btn btn--block", type: "button" }, icon("nfc"), t("visit.tap_sticker"));
    tap.addEventListener("click", () => start("nfc"));
    return h("details", { class: "tag-choices" },
      h("summary", {}, t("visit.no_location_use_tag")),
      canScan() ? scan : null, canTap() ? tap : null, form);
  }

  function refuse(text, control) {
    replace(live, message("error", text));
    control.setAttribute("aria-invalid", "true");
    control.focus();
  }

  function noteForm() {
    const text = h("textarea", { rows: 3, maxlength: 4000, dataset: { keep: "note" } });
    const save = h("button", { class: "btn btn--block", type: "submit" }, t("visit.save_note"));
    const share = shareToggle();
    const form = h("form", {}, field(t("visit.add_note"), text), share.node, save);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!text.value.trim()) {
        replace(live, message("error", t("visit.write_note_first")));
        text.focus();
        return;
      }
      record("note", { text: text.value.trim(), ...share.fields() }, { button: save, clear: [text] });
    });
    return form;
  }

  const offChange = outbox.onChange(() => { if (data && !busy) draw(); });
  await load();
  return () => offChange();
}

// Leaving before this share of the planned time asks for a reason (the contracts' default "short" threshold).
const SHORT_SHARE = 0.9;

function backLink() {
  return h("p", {}, h("a", { href: "#/worker", class: "btn btn--quiet btn--small" }, t("visit.back_to_run")));
}

function step(title, children) {
  return h("section", { class: "step" }, h("h2", {}, title), h("div", { class: "actions" }, children));
}

const TAG_NAMES = { qr: "visit.tag_qr", nfc: "visit.tag_sticker", code: "visit.tag_code", sms: "visit.tag_text" };

// Only the door events carry a location the office checks; a note or a score has none to verify.
function unverified(stepInfo) {
  if (!["arrival", "check_in", "check_out"].includes(stepInfo.kind)) return false;
  if (TAG_NAMES[stepInfo.method]) return stepInfo.geofence === "invalid";
  return ["none", "outside", "unverified"].includes(stepInfo.geofence)
    || (stepInfo.geofence === null && (stepInfo.lat === undefined || stepInfo.lat === null));
}

function done(text, stepInfo) {
  const warn = unverified(stepInfo);
  return h("p", { class: `step-done${stepInfo.pending ? " is-pending" : ""}${warn ? " is-unverified" : ""}` },
    icon(stepInfo.pending ? "upload" : warn ? "alert" : "check"), text, stepInfo.pending ? ` · ${t("visit.waiting_upload")}` : "");
}

function fixText(stepInfo) {
  const tag = TAG_NAMES[stepInfo.method] && t(TAG_NAMES[stepInfo.method]);
  if (tag && stepInfo.geofence === "verified") return t("visit.fix_tag_verified", { tag });
  if (tag && stepInfo.geofence === "invalid") return t("visit.fix_tag_invalid", { tag });
  if (tag) return t("visit.fix_tag_pending", { tag });
  if (stepInfo.geofence === "verified") {
    return stepInfo.accuracy_m ? t("visit.fix_verified_within", { metres: Math.round(stepInfo.accuracy_m) }) : t("visit.fix_verified");
  }
  if (stepInfo.geofence === "outside") return t("visit.fix_outside");
  if (stepInfo.geofence === "none" || (stepInfo.geofence === null && (stepInfo.lat === undefined || stepInfo.lat === null))) {
    return t("visit.fix_none");
  }
  if (stepInfo.geofence === "unverified") return t("visit.fix_rough");
  return describeFix(stepInfo);
}

function labelOf(kind) {
  const key = { arrival: "visit.arrived", check_in: "visit.checked_in", check_out: "visit.checked_out",
    task_done: "visit.task_done", note: "visit.note_saved", outcome_progress: "visit.progress_recorded" }[kind];
  return key ? t(key) : kind;
}
