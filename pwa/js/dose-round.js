// The medication round at a visit on the worker's phone: each dose due with buttons to record it, and the
// as-required medicines. Recording goes through the outbox like every other event, so it works offline.
import { field, h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { DOSE_OUTCOMES } from "./labels.js";
import { formatTime } from "./time.js";


function describe(v) {
  return [v.strength, v.dose, v.route.replace(/_/g, " ")].filter(Boolean).join(" · ");
}

function slotText(slot) {
  return slot === "visit" ? t("medication.this_visit") : slot;
}

function recordText(record) {
  const what = Object.fromEntries(DOSE_OUTCOMES)[record.outcome] || record.outcome;
  const why = record.reason || record.prn_reason;
  return `${what} ${formatTime(record.administered_at)}${why ? ` – ${why}` : ""}`;
}

function recorded(record) {
  const given = record.outcome === "given";
  return h("p", { class: `step-done${record.pending ? " is-pending" : ""}${given ? "" : " is-unverified"}` },
    icon(record.pending ? "upload" : given ? "check" : "alert"), recordText(record),
    record.pending ? ` · ${t("visit.waiting_upload")}` : "");
}

/**
 * The round as a list. state: dosesWithLocal(); open: the key of the form shown ("<medication>:<slot>" or null);
 * on.record(fields, button), on.effect(fields, button), on.open(key), on.refuse(text, control).
 */
export function doseRound(state, { enabled, open, on }) {
  return [
    state.due.length ? h("ul", { class: "doses" }, state.due.map((d) => dueRow(d, enabled, open, on))) : null,
    state.asRequired.length ? h("h3", {}, t("medication.as_required")) : null,
    state.asRequired.length ? h("ul", { class: "doses" }, state.asRequired.map((p) => prnRow(p, enabled, open, on))) : null,
  ];
}

function heading(version, slot) {
  return h("div", { class: "dose-head" },
    h("strong", { class: "dose-name" }, version.name),
    slot ? h("span", { class: "dose-slot" }, slotText(slot)) : null,
    version.time_critical ? h("span", { class: "chip tone-late" }, icon("clock"), t("medication.time_critical")) : null,
    h("span", { class: "muted dose-what" }, describe(version)),
    version.instructions ? h("span", { class: "hint" }, version.instructions) : null);
}

function dueRow(dose, enabled, open, on) {
  const key = `${dose.medication_id}:${dose.slot}`;
  const base = { medication_id: dose.medication_id, slot: dose.slot };
  if (dose.record) return h("li", { class: "dose is-done", dataset: { dose: key } }, heading(dose.version, dose.slot), recorded(dose.record));
  const given = h("button", { class: "btn btn--primary", type: "button", disabled: !enabled,
    "aria-label": t("medication.given_label", { name: dose.version.name, slot: slotText(dose.slot) }) }, icon("check"), t("medication.given"));
  given.addEventListener("click", () => on.record({ ...base, outcome: "given" }, given));
  const notGiven = h("button", { class: "btn", type: "button", disabled: !enabled,
    "aria-label": t("medication.not_given_label", { name: dose.version.name, slot: slotText(dose.slot) }) }, t("medication.not_given"));
  notGiven.addEventListener("click", () => on.open(key));
  return h("li", { class: "dose", dataset: { dose: key } }, heading(dose.version, dose.slot),
    open === key ? notGivenForm(key, base, on) : h("div", { class: "dose-actions" }, given, notGiven));
}

function backButton(on) {
  const back = h("button", { class: "btn btn--quiet btn--block", type: "button" }, t("medication.back"));
  back.addEventListener("click", () => on.open(null));
  return back;
}

function notGivenForm(key, base, on) {
  const name = `outcome-${key}`;
  const reason = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `${name}-reason` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, t("common.save"));
  const form = h("form", { class: "dose-form", novalidate: true },
    h("fieldset", {}, h("legend", {}, t("medication.what_happened")),
      DOSE_OUTCOMES.filter(([value]) => value !== "given").map(([value, label]) => h("label", { class: "check" },
        h("input", { type: "radio", name, value, dataset: { keep: `${name}-${value}` } }), label))),
    field(t("medication.reason"), reason), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const picked = form.querySelector(`input[name="${name}"]:checked`);
    if (!picked) return on.refuse(t("medication.choose_what"), form.querySelector("input"));
    if (!reason.value.trim()) return on.refuse(t("medication.say_why_not"), reason);
    return on.record({ ...base, outcome: picked.value, reason: reason.value.trim() }, save);
  });
  return form;
}

function prnRow({ version, given }, enabled, open, on) {
  const key = `${version.medication_id}:prn`;
  const limits = [version.prn_max_per_day ? t("medication.max_a_day", { n: version.prn_max_per_day }) : null,
    version.prn_min_interval_minutes ? t("medication.apart", { n: version.prn_min_interval_minutes }) : null].filter(Boolean).join(", ");
  const give = h("button", { class: "btn", type: "button", disabled: !enabled, "aria-label": t("medication.give_label", { name: version.name }) }, t("medication.give"));
  give.addEventListener("click", () => on.open(key));
  return h("li", { class: "dose", dataset: { dose: key } }, heading(version, null),
    limits ? h("span", { class: "hint" }, t("medication.limits", { limits })) : null,
    given.map((record) => givenRow(record, version.name, open, on)),
    open === key ? prnForm(version, on) : h("div", { class: "dose-actions" }, give));
}

function prnForm(version, on) {
  const why = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `prn-${version.medication_id}` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, t("medication.record_given"));
  const form = h("form", { class: "dose-form", novalidate: true }, field(t("medication.why_needed"), why), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!why.value.trim()) return on.refuse(t("medication.say_why_needed", { name: version.name }), why);
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
      icon(record.effect_pending ? "upload" : "check"), t("medication.effect", { effect: record.prn_effect }),
      record.effect_pending ? ` · ${t("visit.waiting_upload")}` : "");
  } else if (open === key) {
    effect = effectForm(record, name, on);
  } else {
    effect = h("button", { class: "btn", type: "button", "aria-label": t("medication.record_effect_label", { name, time: formatTime(record.administered_at) }) },
      t("medication.record_effect"));
    effect.addEventListener("click", () => on.open(key));
  }
  return h("div", { class: "dose-given", dataset: { doseKey: record.idempotency_key } }, recorded(record), effect);
}

function effectForm(record, name, on) {
  const text = h("textarea", { rows: 2, maxlength: 2000, dataset: { keep: `effect-${record.idempotency_key}` } });
  const save = h("button", { class: "btn btn--primary btn--block", type: "submit" }, t("medication.save_effect"));
  const form = h("form", { class: "dose-form", novalidate: true },
    field(t("medication.what_effect"), text, t("medication.effect_hint")), save, backButton(on));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!text.value.trim()) return on.refuse(t("medication.say_effect", { name }), text);
    return on.effect({ dose_key: record.idempotency_key, effect: text.value.trim() }, save);
  });
  return form;
}
