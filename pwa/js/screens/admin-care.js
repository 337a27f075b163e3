// A client's care package (commissioned minutes a week) and visit patterns (e.g. 08:00 for 30 minutes daily,
// 2 carers), for the provider admin: add, edit and end them, and preview the visits a pattern will make
// (the server runs the generation itself, saving nothing) before saving it.
import * as api from "../api.js";
import { field, h, message, options, replace } from "../dom.js";
import { t } from "../i18n.js";
import { localDate } from "../time.js";
import { actor, dataTable, hoursMinutes, noticeArea, onSubmit } from "./admin-kit.js";

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
const MAX_CARERS = 4;

/** Day and month names from the catalogue: the browser's own may lack Welsh. */
const names = (key) => t(key).split(",");

function weekdayName(iso, style = "short") {
  return names(style === "long" ? "admin.weekdaysLong" : "admin.weekdaysShort")[iso - 1];
}

function dayLabel(isoDate) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  const thisYear = d.getUTCFullYear() === new Date().getFullYear();
  return t(thisYear ? "admin.dayLabel" : "admin.dayLabelYear", { weekday: weekdayName(d.getUTCDay() || 7),
    day: d.getUTCDate(), month: names("admin.monthsShort")[d.getUTCMonth()], year: d.getUTCFullYear() });
}

function daysText(weekdays) {
  if (weekdays.length === 7) return t("admin.care.daily");
  return [...weekdays].sort().map((d) => weekdayName(d)).join(", ");
}

const carerCount = (n) => (n === 1 ? t("admin.care.carerOne") : t("admin.care.carerMany", { n }));

const span = (from, until) => (until ? t("admin.care.fromUntil", { from: dayLabel(from), until: dayLabel(until) })
  : t("admin.care.fromOn", { from: dayLabel(from) }));

export async function careSection(client, workers) {
  const notice = noticeArea();
  const packages = h("div", {});
  const patterns = h("div", {});
  const editor = h("div", {});
  const base = `/api/v1/clients/${client.id}`;
  const names = new Map(workers.map((w) => [w.id, w.name]));
  const reload = async () => {
    const [pk, pt] = await Promise.all([api.get(`${base}/care-packages`), api.get(`${base}/visit-patterns`)]);
    replace(packages, packagesTable(pk, { act, edit: (p) => replace(editor, packageForm(base, p, act, closeEditor)) }));
    replace(patterns, patternsTable(pt, names, { act, edit: (p) => replace(editor, patternForm(base, p, workers, act, closeEditor)) }));
  };
  const closeEditor = () => replace(editor);
  const act = actor(notice, reload);
  await reload();
  return h("section", { class: "panel", "aria-labelledby": "care-title" },
    h("h2", { id: "care-title" }, t("admin.care.title")),
    notice,
    h("h3", {}, t("admin.care.packages")), packages,
    h("h3", {}, t("admin.care.patterns")), patterns,
    h("div", { class: "item-actions" },
      h("button", { class: "btn", type: "button", onclick: () => replace(editor, packageForm(base, null, act, closeEditor)) },
        t("admin.care.addPackage")),
      h("button", { class: "btn", type: "button", onclick: () => replace(editor, patternForm(base, null, workers, act, closeEditor)) },
        t("admin.care.addPattern"))),
    editor);
}

function packagesTable(packages, { act, edit }) {
  if (!packages.length) return h("p", { class: "muted" }, t("admin.care.noPackages"));
  const today = localDate();
  return dataTable(null, [t("admin.care.weekly"), t("admin.care.when"), t("admin.care.serviceCode"), ""], packages.map((p) => [
    [hoursMinutes(p.weekly_minutes), p.flex_weeks > 1 ? ` ${t("admin.care.flex", { n: p.flex_weeks })}` : ""],
    span(p.starts_on, p.ends_on), p.service_code || "",
    h("div", { class: "row-actions" },
      h("button", { class: "btn btn--small", type: "button", onclick: () => edit(p) }, t("admin.edit")),
      !p.ends_on || p.ends_on > today ? h("button", { class: "btn btn--small", type: "button",
        onclick: () => confirm(t("admin.care.confirmEndPackage"))
          && act(() => api.patch(`/api/v1/care-packages/${p.id}`, { ends_on: today < p.starts_on ? p.starts_on : today }),
            t("admin.care.ended")) }, t("admin.care.endToday")) : null),
  ]));
}

function patternsTable(patterns, names, { act, edit }) {
  if (!patterns.length) return h("p", { class: "muted" }, t("admin.care.noPatterns"));
  const today = localDate();
  const live = (p) => p.active && (!p.ends_on || p.ends_on >= today);
  return dataTable(null, [t("admin.care.visit"), t("admin.care.carers"), t("admin.care.when"), ""], patterns.map((p) => [
    h("span", {}, h("strong", {}, t("admin.care.patternLine", { time: p.start_time, length: hoursMinutes(p.duration_minutes) })),
      ` ${daysText(p.weekdays)}`),
    [carerCount(p.carers_required),
      p.worker_ids.length ? `: ${p.worker_ids.map((id) => names.get(id) || `#${id}`).join(", ")}` : ""],
    live(p) ? span(p.starts_on, p.ends_on) : h("span", { class: "chip" }, t("admin.care.endedChip")),
    h("div", { class: "row-actions" },
      h("button", { class: "btn btn--small", type: "button", onclick: () => edit(p) }, t("admin.edit")),
      live(p) ? h("button", { class: "btn btn--small", type: "button",
        onclick: () => confirm(t("admin.care.confirmEndPattern"))
          && act(() => api.patch(`/api/v1/visit-patterns/${p.id}`, { ends_on: today < p.starts_on ? p.starts_on : today }),
            visitsChanged) }, t("admin.care.endToday")) : null),
  ]));
}

/** The notice after a pattern change: what it did to the visits already generated. */
function visitsChanged(result) {
  return `${t("admin.saved")} ${t("admin.care.visitsChanged", result.visits)}`;
}

function packageForm(base, pkg, act, close) {
  const p = pkg || { flex_weeks: 1, starts_on: localDate() };
  const minutes = h("input", { type: "number", name: "weekly_minutes", min: 0, max: 10080, step: 5, required: true, value: p.weekly_minutes ?? "" });
  const flex = h("select", { name: "flex_weeks" }, options([[1, t("admin.care.flexNone")], [4, t("admin.care.flexFour")]], p.flex_weeks));
  const from = h("input", { type: "date", name: "starts_on", required: true, value: p.starts_on });
  const until = h("input", { type: "date", name: "ends_on", value: p.ends_on || "" });
  const code = h("input", { name: "service_code", maxlength: 32, autocomplete: "off", value: p.service_code || "" });
  const form = h("form", { class: "card admin-editor", "aria-labelledby": "package-form-title" },
    h("h3", { id: "package-form-title" }, pkg ? t("admin.care.editPackage") : t("admin.care.addPackage")),
    h("div", { class: "field-row" }, field(t("admin.care.weeklyMinutes"), minutes, t("admin.care.weeklyHint")), field(t("admin.care.flexLabel"), flex)),
    h("div", { class: "field-row" }, field(t("admin.care.startsOn"), from), field(t("admin.care.endsOn"), until)),
    field(t("admin.care.serviceCode"), code, t("admin.care.serviceCodeHint")),
    h("div", { class: "item-actions" }, h("button", { class: "btn btn--primary", type: "submit" }, t("common.save")),
      h("button", { class: "btn", type: "button", onclick: close }, t("common.cancel"))));
  return onSubmit(form, async () => {
    const body = { weekly_minutes: Number(minutes.value), flex_weeks: Number(flex.value), starts_on: from.value,
      ends_on: until.value || null, service_code: code.value.trim() || null };
    const ok = await act(() => (pkg ? api.patch(`/api/v1/care-packages/${pkg.id}`, body) : api.post(`${base}/care-packages`, body)),
      t("admin.saved"));
    if (ok) close();
  });
}

function patternFields(p, workers) {
  const days = WEEKDAYS.map((d) => h("input", { type: "checkbox", value: d, checked: p.weekdays.includes(d) }));
  const time = h("input", { type: "time", name: "start_time", required: true, value: p.start_time });
  const length = h("input", { type: "number", name: "duration_minutes", min: 5, max: 1440, step: 5, required: true, value: p.duration_minutes });
  const carers = h("select", { name: "carers_required" },
    options([1, 2, 3, 4].slice(0, MAX_CARERS).map((n) => [n, String(n)]), p.carers_required));
  const slots = h("div", { class: "field-row" });
  const choose = () => {
    const kept = [...slots.querySelectorAll("select")].map((s) => s.value);
    replace(slots, Array.from({ length: Number(carers.value) }, (_, i) => field(t("admin.care.carerN", { n: i + 1 }),
      h("select", { name: `worker_${i}` }, options([["", t("admin.care.unassigned")], ...workers.map((w) => [w.id, w.name])],
        kept[i] ?? p.worker_ids[i] ?? "")))));
  };
  carers.addEventListener("change", choose);
  choose();
  const tasks = h("textarea", { name: "tasks", rows: 3, maxlength: 4000 }, p.tasks.join("\n"));
  const from = h("input", { type: "date", name: "starts_on", required: true, value: p.starts_on });
  const until = h("input", { type: "date", name: "ends_on", value: p.ends_on || "" });
  const read = () => ({
    weekdays: days.filter((d) => d.checked).map((d) => Number(d.value)),
    start_time: time.value, duration_minutes: Number(length.value), carers_required: Number(carers.value),
    worker_ids: [...slots.querySelectorAll("select")].map((s) => Number(s.value)).filter(Boolean),
    tasks: tasks.value.split("\n").map((x) => x.trim()).filter(Boolean),
    starts_on: from.value, ends_on: until.value || null,
  });
  const parts = [
    h("fieldset", {}, h("legend", {}, t("admin.care.days")),
      h("div", { class: "admin-days" }, days.map((box, i) => h("label", { class: "check" }, box, " ", weekdayName(WEEKDAYS[i], "long"))))),
    h("div", { class: "field-row" }, field(t("admin.care.startTime"), time), field(t("admin.care.length"), length, t("admin.care.lengthHint")),
      field(t("admin.care.carers"), carers)),
    slots,
    field(t("admin.care.tasks"), tasks, t("admin.care.tasksHint")),
    h("div", { class: "field-row" }, field(t("admin.care.startsOn"), from), field(t("admin.care.endsOn"), until)),
  ];
  return { parts, read };
}

function patternForm(base, pattern, workers, act, close) {
  const p = pattern || { weekdays: WEEKDAYS, start_time: "08:00", duration_minutes: 30, carers_required: 1, worker_ids: [],
    tasks: [], starts_on: localDate(), ends_on: null };
  const { parts, read } = patternFields(p, workers);
  const preview = h("div", { class: "admin-preview", "aria-live": "polite" });
  const showPreview = async () => {
    replace(preview, h("p", { class: "muted" }, t("admin.care.previewing")));
    try {
      const body = { ...read(), days: 14, ...(pattern ? { pattern_id: pattern.id } : {}) };
      replace(preview, previewList(await api.post(`${base}/visit-patterns/preview`, body)));
    } catch (err) {
      replace(preview, message("error", err instanceof api.ApiError ? err.fieldMessage() : String(err)));
    }
  };
  const form = h("form", { class: "card admin-editor", "aria-labelledby": "pattern-form-title" },
    h("h3", { id: "pattern-form-title" }, pattern ? t("admin.care.editPattern") : t("admin.care.addPattern")),
    parts,
    h("div", { class: "item-actions" },
      h("button", { class: "btn", type: "button", onclick: showPreview }, t("admin.care.preview")),
      h("button", { class: "btn btn--primary", type: "submit" }, t("admin.care.savePattern")),
      h("button", { class: "btn", type: "button", onclick: close }, t("common.cancel"))),
    preview);
  return onSubmit(form, async () => {
    const body = read();
    const ok = await act(() => (pattern ? api.patch(`/api/v1/visit-patterns/${pattern.id}`, body) : api.post(`${base}/visit-patterns`, body)),
      pattern ? visitsChanged : t("admin.care.patternSaved"));
    if (ok) close();
  });
}

function previewList(result) {
  const { visits, weekly_minutes: mine, other_patterns_weekly_minutes: others, package_weekly_minutes: commissioned } = result;
  const total = mine + others;
  const summary = commissioned === null
    ? message("warn", t("admin.care.noPackageInForce", { planned: hoursMinutes(total) }))
    : message(total > commissioned ? "warn" : "ok", t("admin.care.against", {
      mine: hoursMinutes(mine), total: hoursMinutes(total), commissioned: hoursMinutes(commissioned) }));
  if (!visits.length) return h("div", {}, summary, message("warn", t("admin.care.previewNone")));
  return h("div", {}, summary,
    h("h4", {}, t("admin.care.previewTitle", { n: visits.length })),
    h("ol", { class: "plain-list admin-preview-list", "aria-label": t("admin.care.previewTitle", { n: visits.length }) },
      visits.map((v) => h("li", { dataset: { start: v.planned_start } },
        h("strong", {}, `${dayLabel(v.local_date)} ${v.local_time}`),
        ` · ${hoursMinutes(v.planned_minutes)} · ${carerCount(v.carers_required)}`,
        v.workers.length ? ` · ${v.workers.join(", ")}` : ""))));
}
