// A care worker's day: the run from the server when it answers, else the copy saved on the phone,
// with what the phone recorded (uploaded or still waiting) laid over it.
import * as api from "./api.js";
import { loadDoses } from "./doses.js";
import { cached, keep } from "./idb.js";

const RANK = { scheduled: 0, en_route: 1, late: 1, missed: 1, in_progress: 2, completed: 3 };

export async function loadRun(userId) {
  try {
    const run = await api.get("/api/v1/run");
    await keep(`run:${userId}`, run);
    // Each visit's doses saved now, while there is signal, so the medication round works offline at the door.
    for (const visit of run.visits) loadDoses(visit.id).catch(() => {});
    return { run, savedAt: null };
  } catch (err) {
    if (err.status !== 0) throw err;
    const row = await cached(`run:${userId}`);
    if (!row) throw err;
    return { run: row.data, savedAt: row.saved_at };
  }
}

/** The visit's full record (events included) when online; offline, the last copy or the run's entry. */
export async function loadVisit(userId, visitId) {
  try {
    const timeline = await api.get(`/api/v1/visits/${visitId}`);
    await keep(`visit:${visitId}`, timeline);
    return { timeline, savedAt: null };
  } catch (err) {
    if (err.status !== 0) throw err;
    const row = await cached(`visit:${visitId}`);
    if (row) return { timeline: row.data, savedAt: row.saved_at };
    const run = (await cached(`run:${userId}`))?.data;
    const visit = run?.visits.find((v) => v.id === Number(visitId));
    if (!visit) throw err;
    return { timeline: { visit, events: [] }, savedAt: "run" };
  }
}

/** Outcomes travel with the run; the timeline's visit does not carry them. */
export async function outcomesFor(userId, visitId) {
  const run = (await cached(`run:${userId}`))?.data;
  return run?.visits.find((v) => v.id === Number(visitId))?.outcomes || [];
}

/**
 * What this worker has done at the visit: the server's events merged with the phone's own records.
 * Each step says when, with what location, and whether it still waits to upload.
 */
export function progress(timeline, workerId, entries) {
  const seen = new Map();
  for (const e of timeline.events || []) {
    if (e.worker_id !== workerId) continue;
    seen.set(e.idempotency_key, {
      kind: e.kind, at: e.device_time, pending: false, geofence: e.verdict ?? e.geofence, method: e.method, accuracy_m: e.accuracy_m,
      lat: e.lat, task: e.payload?.task, text: e.payload?.text, outcome_id: e.payload?.outcome_id,
      score: e.payload?.score, comment: e.payload?.comment, shareable: Boolean(e.payload?.shareable),
    });
  }
  for (const entry of entries) {
    if (seen.has(entry.idempotency_key) || entry.state === "rejected" || entry.item.type !== "visit_event") continue;
    const i = entry.item;
    seen.set(entry.idempotency_key, {
      kind: i.kind, at: i.device_time, pending: entry.state === "pending", geofence: null, method: i.method,
      accuracy_m: i.accuracy_m, lat: i.lat, task: i.task, text: i.text, outcome_id: i.outcome_id,
      score: i.score, comment: i.comment, shareable: Boolean(i.shareable),
    });
  }
  const steps = [...seen.values()].sort((a, b) => a.at.localeCompare(b.at));
  const first = (kind) => steps.find((s) => s.kind === kind) || null;
  const last = (kind) => [...steps].reverse().find((s) => s.kind === kind) || null;
  return {
    arrival: first("arrival"),
    checkIn: first("check_in"),
    checkOut: last("check_out"),
    tasks: new Map(steps.filter((s) => s.kind === "task_done").map((s) => [s.task, s])),
    notes: steps.filter((s) => s.kind === "note"),
    outcomes: steps.filter((s) => s.kind === "outcome_progress"),
  };
}

/** The status to show for a visit once the phone's own records are counted. */
export function shownStatus(visit, entries) {
  if (visit.status === "cancelled") return visit.status;
  const kinds = new Set(entries.filter((e) => e.state !== "rejected").map((e) => e.item.kind));
  const local = kinds.has("check_out") ? "completed" : kinds.has("check_in") ? "in_progress" : null;
  return local && RANK[local] > (RANK[visit.status] ?? 0) ? local : visit.status;
}

// Visits still to be done, in the order a carer works through them; the one under way counts first.
const STILL_TO_DO = ["in_progress", "en_route", "late", "scheduled"];

/** The visit to go to now: the one under way, else the first of the run still to be done (null when none). */
export function nextVisit(visits, statusOf) {
  const open = visits.filter((v) => STILL_TO_DO.includes(statusOf(v)));
  return open.find((v) => statusOf(v) === "in_progress") || open[0] || null;
}

/** A tel: link to the visit's provider's office, or null when the provider has not given a number. */
export function officeLink(visit) {
  const number = (visit.office_phone || "").replace(/[^\d+]/g, "");
  return number ? `tel:${number}` : null;
}

/** A geo: link the phone's maps app opens with directions to the client's home (its fix, labelled by address). */
export function directionsLink(client) {
  const label = encodeURIComponent(`${client.address}${client.postcode ? `, ${client.postcode}` : ""}`);
  return `geo:${client.lat},${client.lon}?q=${client.lat},${client.lon}(${label})`;
}
