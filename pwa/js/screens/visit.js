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
      replace(root, backLink(), message("error", err.status === 404 ? "This visit is not on your run." :
        err.status === 0 ? "You are offline and this visit is not saved on the phone." : err.message));
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
      replace(live, message("ok", "Finding your location…"));
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
    const saved = navigator.onLine ? "Saved." : "Saved on this phone; it will upload when you are back online.";
    if (fix.error) replace(live, message("warn", `${fix.message} ${saved}`));
    else replace(live, message("ok", withLocation ? `${labelOf(kind)}: ${describeFix(fix)}. ${saved}` : `${labelOf(kind)}${navigator.onLine ? "." : `. ${saved}`}`));
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
    replace(live, message("ok", navigator.onLine ? `${what}.` : `${what}. Saved on this phone; it will upload when you are back online.`));
    busy = false;
    await draw();
    if (!root.contains(document.activeElement)) live.focus({ preventScroll: true });
  }

  const recordDose = (fields, button) => queueDose(
    () => outbox.recordDose({ visit_id: visitId, administered_at: new Date().toISOString(), ...fields }),
    fields.outcome === "given" ? "Dose recorded as given" : "Dose recorded as not given", button);
  const recordEffect = (fields, button) => queueDose(
    () => outbox.recordDoseEffect({ visit_id: visitId, recorded_at: new Date().toISOString(), ...fields }),
    "Effect recorded", button);

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
      icon("door"), "Arrived");
    arriveBtn.addEventListener("click", () => record("arrival", {}, { withLocation: true, button: arriveBtn }));
    const checkInBtn = h("button", { class: "btn btn--primary btn--block", type: "button", disabled: checkedIn },
      icon("play"), "Check in");
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
      icon("check"), "Check out");
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
        h("p", {}, chip({ ...visit, status }), " ", h("span", { class: "muted" }, timeRange(visit), ` · ${visit.planned_minutes} min`)),
        h("p", { class: "run-address" }, icon("pin"), " ", visit.client.address, visit.client.postcode ? `, ${visit.client.postcode}` : ""),
        visit.client.access_notes ? h("p", { class: "access-note" }, h("strong", {}, "Access: "), visit.client.access_notes) : null,
        others.length ? h("p", {}, `Double-up with ${others.join(", ")}`) : null,
        savedAt ? h("p", { class: "hint" }, "Offline: showing the copy saved on this phone.") : null),
      live,
      step("Arrive and check in", [
        p.arrival ? done(`Arrived ${formatTime(p.arrival.at)}`, p.arrival) : checkedIn ? null : arriveBtn,
        p.checkIn ? done(`Checked in ${formatTime(p.checkIn.at)} · ${fixText(p.checkIn)}`, p.checkIn) : checkInBtn,
        p.checkIn ? null : tagChoices("check_in", (presence) => record("check_in", presence)),
      ]),
      round && (round.due.length || round.asRequired.length) ? step(
        `Medication (${round.due.length - round.undone.length} of ${round.due.length} recorded)`, [
          doseRound(round, { enabled: checkedIn && !finished, open: openDose, on: {
            record: recordDose, effect: recordEffect, open: (key) => { openDose = key; draw(); }, refuse } }),
          !checkedIn ? h("p", { class: "hint" }, "Check in to record doses.") : null,
        ]) : null,
      step(`Tasks (${p.tasks.size} of ${visit.tasks.length} done)`, [
        visit.tasks.length ? h("ul", { class: "tasks" }, visit.tasks.map((task) => taskRow(task, p.tasks.get(task), checkedIn)))
          : h("p", { class: "muted" }, "No tasks listed for this visit."),
      ]),
      outcomes.length ? step("Outcome progress", outcomes.map((o) => outcomeForm(o, p.outcomes.filter((x) => x.outcome_id === o.id), checkedIn))) : null,
      step("Notes", [
        p.notes.map((n) => done(`${formatTime(n.at)}: ${n.text}`, n)),
        noteForm(),
      ]),
      step("Check out", [
        p.checkOut ? done(`Checked out ${formatTime(p.checkOut.at)} · ${fixText(p.checkOut)}`, p.checkOut)
          : confirming && checkedIn ? confirmationForm(visit)
            : askingReasons && checkedIn ? reasonsForm(unticked, leavingEarly, visit) : checkOutBtn,
        checkedIn && !finished && !askingReasons && !confirming ? tagChoices("check_out", (presence) => checkOut(presence)) : null,
        !checkedIn && !finished ? h("p", { class: "hint" }, "Check in first.") : null,
        dosesFirst.length && !finished ? h("p", { class: "hint", dataset: { testid: "doses-first" } },
          `Record every dose due first: ${dosesFirst.map((d) => `${d.version.name} (${d.slot})`).join(", ")}.`) : null,
      ]));
  }

  function taskRow(task, doneStep, enabled) {
    if (doneStep) {
      return h("li", { class: "task is-done" }, h("span", { class: "task-name" }, task),
        h("span", { class: `step-done${doneStep.pending ? " is-pending" : ""}` }, icon(doneStep.pending ? "upload" : "check"),
          doneStep.pending ? "Done · waiting to upload" : "Done"));
    }
    const btn = h("button", { class: "btn", type: "button", disabled: !enabled, "aria-label": `Mark ${task} done` }, icon("check"), "Mark done");
    btn.addEventListener("click", () => record("task_done", { task }, { button: btn }));
    return h("li", { class: "task" }, h("span", { class: "task-name" }, task), btn);
  }

  function outcomeForm(outcome, recorded, enabled) {
    const name = nextId("score");
    const scores = h("fieldset", { class: "scores", "aria-describedby": `${name}-hint` },
      h("legend", {}, "Score", h("span", { class: "visually-hidden" }, ` for ${outcome.title}`)),
      [1, 2, 3, 4, 5].map((n) => h("label", { class: "score" },
        h("input", { type: "radio", name, value: n, disabled: !enabled, "aria-label": `${n} of 5`, dataset: { keep: `outcome-${outcome.id}-${n}` } }),
        h("span", { "aria-hidden": "true" }, String(n)))));
    const comment = h("textarea", { rows: 2, disabled: !enabled, maxlength: 4000, dataset: { keep: `outcome-${outcome.id}-comment` } });
    const save = h("button", { class: "btn btn--block", type: "submit", disabled: !enabled }, "Save progress");
    const form = h("form", { class: "outcome" },
      h("h3", {}, outcome.title),
      recorded.map((r) => done(`Recorded ${r.score}/5${r.comment ? ` – ${r.comment}` : ""}`, r)),
      scores,
      h("p", { class: "hint", id: `${name}-hint` }, "1 = not achieved, 5 = fully achieved"),
      field("Comment (optional)", comment),
      save);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const picked = form.querySelector(`input[name="${name}"]:checked`);
      if (!picked) {
        replace(live, message("error", `Choose a score from 1 to 5 for “${outcome.title}”.`));
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
          h("legend", {}, `Why was “${task}” not done?`),
          TASK_REASONS.map(([value, label]) => h("label", { class: "check" },
            h("input", { type: "radio", name, value, dataset: { keep: `${name}-${value}` } }), label)),
          field("Note (needed for other)", note)),
      };
    });
    const early = leavingEarly ? h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: "short-reason" } }) : null;
    const confirm = h("button", { class: "btn btn--primary btn--block", type: "submit" }, icon("check"), "Check out");
    const back = h("button", { class: "btn btn--quiet btn--block", type: "button" }, "Back to the visit");
    back.addEventListener("click", () => { askingReasons = false; draw(); });
    const form = h("form", { class: "checkout-reasons", novalidate: true },
      h("p", {}, unticked.length ? `${unticked.length} of ${visit.tasks.length} tasks not ticked. ` : "",
        leavingEarly ? `You are leaving before the planned ${visit.planned_minutes} minutes.` : ""),
      taskSets.map((t) => t.el),
      early ? field("Why are you leaving early?", early) : null,
      confirm, back);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const taskReasons = [];
      for (const t of taskSets) {
        const picked = form.querySelector(`input[name="${t.name}"]:checked`);
        if (!picked) return refuse(`Choose why “${t.task}” was not done.`, t.el.querySelector("input"));
        if (picked.value === "other" && !t.note.value.trim()) return refuse(`Say why “${t.task}” was not done.`, t.note);
        taskReasons.push({ task: t.task, reason: picked.value, note: t.note.value.trim() || undefined });
      }
      if (early && !early.value.trim()) return refuse("Say why you are leaving early.", early);
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
    const pad = signaturePad({ label: "Signature: draw with a finger" });
    const signer = h("input", { type: "text", maxlength: 200, autocomplete: "off" });
    const confirm = h("button", { class: "btn btn--primary btn--block", type: "submit" }, icon("check"), "Confirm and check out");
    const skip = h("button", { class: "btn btn--quiet btn--block", type: "button" }, "Nobody can confirm: check out");
    const send = (given, button) => {
      const { extra, presence } = confirming;
      confirming = null;
      record("check_out", { ...extra, ...presence, confirmation: given }, { withLocation: !presence, button });
    };
    skip.addEventListener("click", () => send(undefined, skip));
    const form = h("form", { class: "confirm-visit", novalidate: true },
      h("p", {}, `Ask ${visit.client.name} or a family member to confirm this visit.`),
      pin ? field("Family PIN", pin, "Typed by the client or family, not by you") : null,
      h("p", { class: "hint" }, pin ? "Or sign below:" : "Sign below:"),
      pad.el,
      field("Name of the person signing (optional)", signer),
      confirm, skip);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (pin?.value) {
        if (!/^[0-9]{4,8}$/.test(pin.value)) return refuse("The PIN is 4 to 8 digits.", pin);
        return send({ pin: pin.value }, confirm);
      }
      if (pad.isEmpty()) return refuse(pin ? "Type the family PIN or sign." : "Please sign in the box.", pin || pad.el);
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
      field("Or type the code on the label", code, "The 6 digits under the QR code in the home"),
      h("button", { class: "btn btn--block", type: "submit" }, "Use code"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const digits = code.value.replace(/\s/g, "");
      if (!/^[0-9]{4,8}$/.test(digits)) return refuse("Type the digits printed on the label.", code);
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
        replace(live, message("error", `${err.message || err.name}. Type the code on the label instead.`));
        draw();
      });
    };
    if (reading?.kind === kind) {
      const stop = h("button", { class: "btn btn--quiet btn--block", type: "button" }, "Stop");
      stop.addEventListener("click", () => reading.abort.abort());
      return h("div", { class: "tag-reading", role: "group", "aria-label": "Reading the home's tag" },
        reading.how === "qr" ? h("video", { class: "tag-camera", "aria-label": "Camera: point it at the QR code" })
          : h("p", { class: "hint" }, "Hold the phone against the Caremon sticker."),
        stop);
    }
    const scan = h("button", { class: "btn btn--block", type: "button" }, icon("camera"), "Scan the QR code");
    scan.addEventListener("click", () => start("qr"));
    const tap = h("button", { class: "btn btn--block", type: "button" }, icon("nfc"), "Tap the sticker");
    tap.addEventListener("click", () => start("nfc"));
    return h("details", { class: "tag-choices" },
      h("summary", {}, "No location? Use the home's tag"),
      canScan() ? scan : null, canTap() ? tap : null, form);
  }

  function refuse(text, control) {
    replace(live, message("error", text));
    control.setAttribute("aria-invalid", "true");
    control.focus();
  }

  function noteForm() {
    const text = h("textarea", { rows: 3, maxlength: 4000, dataset: { keep: "note" } });
    const save = h("button", { class: "btn btn--block", type: "submit" }, "Save note");
    const share = shareToggle();
    const form = h("form", {}, field("Add a note", text), share.node, save);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!text.value.trim()) {
        replace(live, message("error", "Write the note first."));
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
  return h("p", {}, h("a", { href: "#/worker", class: "btn btn--quiet btn--small" }, "← Today's run"));
}

function step(title, children) {
  return h("section", { class: "step" }, h("h2", {}, title), h("div", { class: "actions" }, children));
}

const TAG_NAMES = { qr: "QR code", nfc: "sticker", code: "code", sms: "text" };

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
    icon(stepInfo.pending ? "upload" : warn ? "alert" : "check"), text, stepInfo.pending ? " · waiting to upload" : "");
}

function fixText(stepInfo) {
  const tag = TAG_NAMES[stepInfo.method];
  if (tag && stepInfo.geofence === "verified") return `home's ${tag} verified`;
  if (tag && stepInfo.geofence === "invalid") return `${tag} not valid for this home: the office will review`;
  if (tag) return `home's ${tag}, checked when it uploads`;
  if (stepInfo.geofence === "verified") return `location verified${stepInfo.accuracy_m ? ` (±${Math.round(stepInfo.accuracy_m)} m)` : ""}`;
  if (stepInfo.geofence === "outside") return "location outside the home's area: the office will review";
  if (stepInfo.geofence === "none" || (stepInfo.geofence === null && (stepInfo.lat === undefined || stepInfo.lat === null))) {
    return "no location: unverified, the office will review";
  }
  if (stepInfo.geofence === "unverified") return "location too rough: unverified";
  return describeFix(stepInfo);
}

function labelOf(kind) {
  return { arrival: "Arrived", check_in: "Checked in", check_out: "Checked out", task_done: "Task done",
    note: "Note saved", outcome_progress: "Progress recorded" }[kind] || kind;
}
