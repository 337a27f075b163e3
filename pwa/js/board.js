// The live roster: one row per worker, their visits as blocks on the day's hour scale, true to length.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { icon } from "./icons.js";
import { flagLabel } from "./labels.js";
import { describe } from "./status.js";
import { formatTime, minuteOfDay, timeRange } from "./time.js";

// Fixed hour width: the board scrolls sideways rather than squeezing a long day; half an hour is 60 px.
export const HOUR_PX = 120;
const LANE_REM = 3.2;
// Below this width a block shows its start time and state icon only; its label and title say the rest.
const NARROW_PX = 100;

function axis(visits) {
  let first = 7 * 60;
  let last = 22 * 60;
  for (const v of visits) {
    const start = minuteOfDay(v.planned_start);
    first = Math.min(first, Math.floor(start / 60) * 60);
    last = Math.max(last, Math.ceil((start + v.planned_minutes) / 60) * 60);
  }
  last = Math.min(last, 24 * 60);
  return { first, last, span: last - first };
}

const px = (minutes) => (minutes * HOUR_PX) / 60;

/** Each visit's lane: visits that do not overlap share lane 0; an overlap opens the next free lane. */
export function lanes(visits) {
  const ends = [];
  return visits.map((v) => {
    const start = minuteOfDay(v.planned_start);
    let lane = ends.findIndex((end) => end <= start);
    if (lane === -1) lane = ends.length;
    ends[lane] = start + v.planned_minutes;
    return [v, lane];
  });
}

/** Visit id -> the conflicts it is part of. */
function conflictsByVisit(conflicts) {
  const found = new Map();
  for (const c of conflicts || []) {
    for (const id of c.visit_ids) found.set(id, [...(found.get(id) || []), c]);
  }
  return found;
}

function block(visit, lane, ax, { onOpen, onMove, conflicts }) {
  const d = describe(visit);
  const start = minuteOfDay(visit.planned_start);
  const flags = (visit.flags || []).map(flagLabel);
  const clash = conflicts.get(visit.id) || [];
  const reasonNeeded = visit.open_exceptions?.includes("missed");
  const width = px(visit.planned_minutes);
  const notes = [
    visit.open_exceptions?.length ? t("coord.board.needsReview") : null,
    reasonNeeded ? t("coord.board.reasonNeeded") : null,
    ...clash.map((c) => t(`coord.conflict.short.${c.kind}`)),
    flags.length ? t("coord.board.flagged", { flags: flags.join(", ") }) : null,
  ].filter(Boolean);
  const label = [visit.client.name, timeRange(visit), d.label, ...notes].join(", ");
  const el = h("button", {
    class: ["block", `tone-${d.tone}`, width < NARROW_PX && "block--narrow", clash.length && "block--conflict"],
    type: "button", title: label, "aria-label": label,
    dataset: { visitId: visit.id, status: visit.status, minutes: visit.planned_minutes, lane,
      ...(clash.length ? { conflict: [...new Set(clash.map((c) => c.kind))].join(" ") } : {}) },
  },
  h("strong", {}, visit.client.name),
  h("span", { class: "block-status" }, formatTime(visit.planned_start), " ", icon(d.icon), h("span", { class: "block-word" }, d.short),
    visit.open_exceptions?.length ? h("span", { class: "block-word" }, ` · ${t("coord.board.review")}`) : ""),
  // Corner badges keep a count or a warning in sight however narrow the block; the label has the words.
  clash.length || reasonNeeded || flags.length ? h("span", { class: "block-flags", "aria-hidden": "true" },
    clash.length ? icon("alert") : null, reasonNeeded ? "?" : null, flags.length ? String(flags.length) : null) : null);
  // CSSOM (not a style attribute), which the Content-Security-Policy allows.
  el.style.left = `${px(start - ax.first)}px`;
  el.style.width = `${width}px`;
  el.style.top = `${0.3 + lane * LANE_REM}rem`;
  el.addEventListener("click", () => onOpen(visit.id));
  if (onMove && !["completed", "cancelled"].includes(visit.status)) {
    el.draggable = true;
    el.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", String(visit.id));
      event.dataTransfer.effectAllowed = "move";
      dragging = { visit, fromWorkerId: Number(el.closest(".board-row").dataset.workerId), grabPx: event.clientX - el.getBoundingClientRect().left };
    });
    el.addEventListener("dragend", () => { dragging = null; });
  }
  return el;
}

// The block being dragged: a drop on a worker's row moves the visit to that worker, at the time dropped on.
let dragging = null;

function dropTarget(tr, worker, ax, onMove) {
  tr.addEventListener("dragover", (event) => {
    if (!dragging) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });
  tr.addEventListener("drop", (event) => {
    if (!dragging) return;
    event.preventDefault();
    const left = event.clientX - tr.getBoundingClientRect().left - dragging.grabPx;
    const minute = Math.max(0, Math.min(24 * 60 - 5, ax.first + Math.round(((left / HOUR_PX) * 60) / 5) * 5));
    const { visit, fromWorkerId } = dragging;
    dragging = null;
    onMove({ visit, fromWorkerId, toWorkerId: worker.id, minute });
  });
}

function track(ax, children, laneCount, nowMinute) {
  const tr = h("div", { class: "track" }, children);
  tr.style.minHeight = `${0.6 + Math.max(1, laneCount) * LANE_REM}rem`;
  if (nowMinute !== null && nowMinute >= ax.first && nowMinute <= ax.last) {
    const line = h("span", { class: "now-line", "aria-hidden": "true" });
    line.style.left = `${px(nowMinute - ax.first)}px`;
    tr.append(line);
  }
  return tr;
}

function placed(worker, visits, ax, opts) {
  const sorted = [...visits].sort((a, b) => a.planned_start.localeCompare(b.planned_start) || a.id - b.id);
  const withLanes = lanes(sorted);
  const count = Math.max(0, ...withLanes.map(([, lane]) => lane + 1));
  const tr = track(ax, withLanes.map(([v, lane]) => block(v, lane, ax, opts)), count, opts.nowMinute);
  if (opts.onMove) dropTarget(tr, worker, ax, opts.onMove);
  if (opts.onAdd) {
    // A click on an empty stretch of a worker's row plans a visit there, at the quarter hour clicked.
    tr.addEventListener("click", (event) => {
      if (event.target !== tr) return;
      const minute = ax.first + Math.floor(((event.offsetX / HOUR_PX) * 60) / 15) * 15;
      opts.onAdd({ workerId: worker.id || null, minute });
    });
  }
  return tr;
}

function hourMarks(ax) {
  const marks = [];
  for (let m = ax.first; m <= ax.last - 60; m += 60) {
    const mark = h("span", { class: "hour" }, `${String(m / 60).padStart(2, "0")}:00`);
    mark.style.left = `${px(m - ax.first)}px`;
    marks.push(mark);
  }
  return marks;
}

function rowsOf(workers, visits) {
  const rows = new Map(workers.map((w) => [w.id, { worker: w, visits: [] }]));
  const unassigned = [];
  for (const v of visits) {
    if (!v.assignments.length) unassigned.push(v);
    for (const a of v.assignments) {
      if (!rows.has(a.worker_id)) rows.set(a.worker_id, { worker: { id: a.worker_id, name: a.worker_name }, visits: [] });
      rows.get(a.worker_id).visits.push(v);
    }
  }
  const ordered = [...rows.values()].filter((r) => r.visits.length || r.worker.active !== false)
    .sort((a, b) => a.worker.name.localeCompare(b.worker.name));
  if (unassigned.length) ordered.push({ worker: { id: 0, name: t("coord.board.unassigned") }, visits: unassigned });
  return ordered;
}

export function renderBoard({ workers, visits, conflicts = [], onOpen, onAdd, onMove, showNow }) {
  const ax = axis(visits);
  const nowMinute = showNow ? minuteOfDay(new Date().toISOString()) : null;
  const opts = { onOpen, onAdd, onMove, nowMinute, conflicts: conflictsByVisit(conflicts) };
  const board = h("div", { class: "board", role: "region", "aria-label": t("coord.board.label"), tabindex: "0" },
    h("div", { class: "board-scale", "aria-hidden": "true" }, h("div", { class: "board-worker" }, t("coord.board.worker")),
      h("div", { class: "track" }, hourMarks(ax))),
    rowsOf(workers, visits).map(({ worker, visits: vs }) => {
      const late = vs.filter((v) => ["late", "missed"].includes(v.status)).length;
      return h("div", { class: "board-row", role: "group", "aria-label": worker.name, dataset: { workerId: worker.id } },
        h("div", { class: "board-worker" }, worker.name,
          h("small", {}, t(vs.length === 1 ? "coord.board.visit" : "coord.board.visits", { n: vs.length }),
            late ? ` · ${t("coord.board.lateOrMissed", { n: late })}` : "")),
        placed(worker, vs, ax, opts));
    }));
  board.style.setProperty("--track-width", `${px(ax.span)}px`);
  board.dataset.firstMinute = String(ax.first);
  board.dataset.hourPx = String(HOUR_PX);
  return board;
}

/** Sideways position that puts the whole hour before now at the board's left edge, its label unclipped. */
export function scrollForNow(board) {
  const minute = minuteOfDay(new Date().toISOString()) - 60 - Number(board.dataset.firstMinute);
  return Math.max(0, Math.floor(minute / 60) * HOUR_PX);
}
