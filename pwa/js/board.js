// The live roster: one row per worker, their visits as blocks on today's time axis.
import { h } from "./dom.js";
import { icon } from "./icons.js";
import { flagLabel } from "./labels.js";
import { describe } from "./status.js";
import { formatTime, minuteOfDay, timeRange } from "./time.js";

function axis(visits) {
  let first = 7 * 60;
  let last = 22 * 60;
  for (const v of visits) {
    const start = minuteOfDay(v.planned_start);
    first = Math.min(first, Math.floor(start / 60) * 60);
    last = Math.max(last, Math.ceil((start + v.planned_minutes) / 60) * 60);
  }
  return { first, last: Math.min(last, 24 * 60), span: Math.min(last, 24 * 60) - first };
}

function pct(minute, ax) {
  return `${((minute - ax.first) / ax.span) * 100}%`;
}

// Lanes are planned as if each block were at least this long: a block keeps a minimum width for its text.
const MIN_VISUAL_MINUTES = 115;
const LANE_REM = 3.2;
// Fixed hour width: the board scrolls sideways rather than squeezing a long day into unreadable blocks.
export const HOUR_PX = 80;

/** Overlapping visits go in separate lanes so no block hides another. */
function lanes(visits) {
  const ends = [];
  return visits.map((v) => {
    const start = minuteOfDay(v.planned_start);
    const end = start + Math.max(v.planned_minutes, MIN_VISUAL_MINUTES);
    let lane = ends.findIndex((e) => e <= start);
    if (lane === -1) lane = ends.length;
    ends[lane] = end;
    return [v, lane];
  });
}

function block(visit, lane, ax, onOpen) {
  const d = describe(visit);
  const start = minuteOfDay(visit.planned_start);
  const flags = (visit.flags || []).map(flagLabel);
  const el = h("button", {
    class: `block tone-${d.tone}`, type: "button", dataset: { visitId: visit.id, status: visit.status },
    title: flags.join(", ") || undefined,
    "aria-label": `${visit.client.name}, ${timeRange(visit)}, ${d.label}${visit.open_exceptions?.length ? ", needs review" : ""}`
      + (flags.length ? `, flagged: ${flags.join(", ")}` : ""),
  },
  h("strong", {}, visit.client.name),
  h("span", { class: "block-status" }, formatTime(visit.planned_start), " ", icon(d.icon), d.short,
    visit.open_exceptions?.length ? " · review" : ""),
  // A corner badge, so the count stays in sight however narrow the block; the names are in the label.
  flags.length ? h("span", { class: "block-flags", "aria-hidden": "true" }, icon("alert"), String(flags.length)) : null);
  // CSSOM (not a style attribute), which the Content-Security-Policy allows.
  el.style.left = pct(start, ax);
  el.style.width = `calc(${pct(ax.first + visit.planned_minutes, ax)} - 2px)`;
  el.style.top = `${0.3 + lane * LANE_REM}rem`;
  el.addEventListener("click", () => onOpen(visit.id));
  return el;
}

function track(ax, children, laneCount, nowMinute) {
  const t = h("div", { class: "track" }, children);
  t.style.minHeight = `${0.6 + Math.max(1, laneCount) * LANE_REM}rem`;
  if (nowMinute !== null && nowMinute >= ax.first && nowMinute <= ax.last) {
    const line = h("span", { class: "now-line", "aria-hidden": "true" });
    line.style.left = pct(nowMinute, ax);
    t.append(line);
  }
  return t;
}

function placed(visits, ax, onOpen, nowMinute) {
  const sorted = [...visits].sort((a, b) => a.planned_start.localeCompare(b.planned_start) || a.id - b.id);
  const withLanes = lanes(sorted);
  const count = Math.max(0, ...withLanes.map(([, lane]) => lane + 1));
  return track(ax, withLanes.map(([v, lane]) => block(v, lane, ax, onOpen)), count, nowMinute);
}

export function renderBoard({ workers, visits, onOpen, showNow }) {
  const ax = axis(visits);
  const nowMinute = showNow ? minuteOfDay(new Date().toISOString()) : null;
  const rows = new Map(workers.map((w) => [w.id, { worker: w, visits: [] }]));
  const unassigned = [];
  for (const v of visits) {
    if (!v.assignments.length) unassigned.push(v);
    for (const a of v.assignments) {
      if (!rows.has(a.worker_id)) rows.set(a.worker_id, { worker: { id: a.worker_id, name: a.worker_name }, visits: [] });
      rows.get(a.worker_id).visits.push(v);
    }
  }
  const hours = [];
  for (let m = ax.first; m <= ax.last - 60; m += 60) {
    const mark = h("span", { class: "hour" }, `${String(m / 60).padStart(2, "0")}:00`);
    mark.style.left = pct(m, ax);
    hours.push(mark);
  }
  const ordered = [...rows.values()].filter((r) => r.visits.length || r.worker.active !== false)
    .sort((a, b) => a.worker.name.localeCompare(b.worker.name));
  if (unassigned.length) ordered.push({ worker: { id: 0, name: "Not assigned" }, visits: unassigned });
  const board = h("div", { class: "board", role: "region", "aria-label": "Roster board", tabindex: "0" },
    h("div", { class: "board-scale", "aria-hidden": "true" }, h("div", { class: "board-worker" }, "Worker"), h("div", { class: "track" }, hours)),
    ordered.map(({ worker, visits: vs }) => {
      const late = vs.filter((v) => ["late", "missed"].includes(v.status)).length;
      return h("div", { class: "board-row", role: "group", "aria-label": worker.name, dataset: { workerId: worker.id } },
        h("div", { class: "board-worker" }, worker.name,
          h("small", {}, `${vs.length} visit${vs.length === 1 ? "" : "s"}${late ? ` · ${late} late or missed` : ""}`)),
        placed(vs, ax, onOpen, nowMinute));
    }));
  board.style.setProperty("--track-width", `${(ax.span / 60) * HOUR_PX}px`);
  board.dataset.firstMinute = String(ax.first);
  return board;
}

/** Sideways position that puts the whole hour before now at the board's left edge, its label unclipped. */
export function scrollForNow(board) {
  const minute = minuteOfDay(new Date().toISOString()) - 60 - Number(board.dataset.firstMinute);
  return Math.max(0, Math.floor(minute / 60) * HOUR_PX);
}
