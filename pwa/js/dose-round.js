// The medication round at a visit on the worker's phone: each dose due with buttons to record it, and the
// as-required medicines. Recording goes through the outbox like every other event, so it works offline.
import { field, h } from "./dom.js";
import { icon } from "./icons.js";
import { DOSE_OUTCOMES } from "./labels.js";
import { formatTime } from "./time.js";

const OUTCOME_LABELS = Object.fromEntries(DOSE_OUTCOMES);

function describe(v) {
  return [v.strength, v.dose, v.route.replace(/_/g, " ")].filter(Boolean).join(" · ");
}

function slotText(slot) {
  return slot === "visit" ? "This visit" : slot;
}

function recordText(record) {
  const what = OUTCOME_LABELS[record.outcome] || record.outcome;
  const why = record.reason || record.prn_reason;
  return `${what} ${formatTime(record.administered_at)}${why ? ` – ${why}` : ""}`;
}

function recorded(record) {
  const given = record.outcome === "given";
  return h("p", { class: `step-done${record.pending ? " is-pending" : ""}${given ? "" : " is-unverified"}` },
    icon(record.pending ? "upload" : given ? "check" : "alert"), recordText(record),
    record.pending ? " · waiting to upload" : "");
}

/**
 * The round as a list. state: dosesWithLocal(); open: the key of the form shown ("<medication>:<slot>" or null);
 * on.record(fields, button), on.effect(fields, button), on.open(key), on.refuse(text, control).
 */
export function doseRound(state, { enabled, open, on }) {
  return [
    state.due.length ? h("ul", { class: "doses" }, state.due.map((d) => dueRow(d, enabled, open, on))) : null,
    state.asRequired.length ? h("h3", {}, "As required (PRN)") : null,
    state.asRequired.length ? h("ul", { class: "doses" }, state.asRequired.map((p) => prnRow(p, enabled, open, on))) : null,
  ];
}

function heading(version, slot) {
  return h("div", { class: "dose-head" },
    h("strong", { class: "dose-name" }, version.name),
    slot ? h("span", { class: "dose-slot" }, slotText(slot)) : null,
    version.time_critical ? h("span", { class: "chip tone-late" }, icon("clock"), "Time-critical") : null,
    h("span", { class: "muted dose-what" }, describe(version)),
    version.instructions ? h("span", { class: "hint" }, version.instructions) : null);
}

function dueRow(dose, enabled, open, on) {
  const key = `${dose.medication_id}:${dose.slot}`;
  const base = { medication_id: dose.medication_id, slot: dose.slot };
  if (dose.record) return h("li", { class: "dose is-done", dataset: { dose: key } }, heading(dose.version, dose.slot), recorded(dose.record));
  const given = h("button", { class: "btn btn--primary", type: "button", disabled: !enabled,
    "aria-label": `${dose.version.name} ${slotText(dose.slot)} given` }, icon("check"), "Given");
  given.addEventListener("click", () => on.record({ ...base, outcome: "given" }, given));
  const notGiven = h("button", { class: "btn", type: "button", disabled: !enabled,
    "aria-label": `${dose.version.name} ${slotText(dose.slot)} not given` }, "Not given…");
  notGiven.addEventListener("click", () => on.open(key));
  return h("li", { class: "dose", dataset: { dose: key } }, heading(dose.version, dose.slot),
    open === key ? notGivenForm(key, base, on) : h("div", { class: "dose-actions" }, given, notGiven));
}

function backButton(on) {
  const back = h("button", { class: "btn btn--quiet btn--block", type: "button" }, "Back");
  back.addEventListener("click", () => on.open(null));
  return back;
}

function notGivenForm(key, base, on) {
  const name = `outcome-${key}`;
  const reason = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `${name}-reason` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, "Save");
  const form = h("form", { class: "dose-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, "What happened?"),
      DOSE_OUTCOMES.filter(([value]) => value !== "given").map(([value, label]) => h("label", { class: "check" },
        h("input", { type: "radio", name, value, dataset: { keep: `${name}-${value}` } }), label))),
    field("Reason", reason), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const picked = form.querySelector(`input[name="${name}"]:checked`);
    if (!picked) return on.refuse("Choose what happened to the dose.", form.querySelector("input"));
    if (!reason.value.trim()) return on.refuse("Say why the dose was not given.", reason);
    return on.record({ ...base, outcome: picked.value, reason: reason.value.trim() }, save);
  });
  return form;
}

function prnRow({ version, given }, enabled, open, on) {
  const key = `${version.medication_id}:prn`;
  const limits = [version.prn_max_per_day ? `at most ${version.prn_max_per_day} a day` : null,
    version.prn_min_interval_minutes ? `${version.prn_min_interval_minutes} min apart` : null].filter(Boolean).join(", ");
  const give = h("button", { class: "btn", type: "button", disabled: !enabled, "aria-label": `Give ${version.name}` }, "Give…");
  give.addEventListener("click", () => on.open(key));
  return h("li", { class: "dose", dataset: { dose: key } }, heading(version, null),
    limits ? h("span", { class: "hint" }, `Limits: ${limits}`) : null,
    given.map((record) => givenRow(record, version.name, open, on)),
    open === key ? prnForm(version, on) : h("div", { class: "dose-actions" }, give));
}

function prnForm(version, on) {
  const why = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `prn-${version.medication_id}` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, "Record as given");
  const form = h("form", { class: "dose-form", novalidate: true }, field("Why is it needed?", why), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!why.value.trim()) return on.refuse(`Say why ${version.name} is needed.`, why);
    return on.record({ medication_id: version.medication_id, outcome: "given", prn_reason: why.value.trim() }, save);
  });
  return form;
}

// An as-required dose given at this visit, then its effect: once said, or a button to say it (later, offline too).
function givenRow(record, name, open, on) {
  if (record.outcome !== "given") return recorded(record);
  const key = `effect:${record.idempotency_key}`;
  let effect;
  if (record.prn_effect) {
    effect = h("p", { class: `step-done dose-effect${record.effect_pending ? " is-pending" : ""}` },
      icon(record.effect_pending ? "upload" : "check"), `Effect: ${record.prn_effect}`,
      record.effect_pending ? " · waiting to upload" : "");
  } else if (open === key) {
    effect = effectForm(record, name, on);
  } else {
    effect = h("button", { class: "btn", type: "button", "aria-label": `Record effect of ${name} given ${formatTime(record.administered_at)}` },
      "Record effect");
    effect.addEventListener("click", () => on.open(key));
  }
  return h("div", { class: "dose-given", dataset: { doseKey: record.idempotency_key } }, recorded(record), effect);
}

function effectForm(record, name, on) {
  const text = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `effect-${record.idempotency_key}` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, "Save effect");
  const form = h("form", { class: "dose-form", novalidate: true },
    field("What effect did it have?", text, "For example: pain eased after 30 min"), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value.trim()) return on.refuse(`Say what effect ${name} had.`, text);
    return on.effect({ dose_key: record.idempotency_key, effect: text.value.trim() }, save);
  });
  return form;
}
