// The device's outbox: every event, dose and activity is written to IndexedDB first, then uploaded in batches
// through POST /api/v1/sync/batches (device_sync/PROTOCOL.md). An entry stops waiting only when the
// server answers for its key: accepted or duplicate (stored once) or rejected (never will be).
import * as api from "./api.js";
import { all, cached, get, keep, put, remove } from "./idb.js";

const SYNC_PATH = "/api/v1/sync/batches";
const SETTLED = ["accepted", "duplicate"];
const KEEP_SETTLED_DAYS = 7;
const listeners = new Set();

let userId = null;
let inFlight = null;
let retryTimer = null;
let failures = 0;
let limits = { items: 100, bytes: 256 * 1024 };
const status = { lastError: null, lastSync: null, syncing: false };

export function setUser(id) {
  userId = id;
  notify();
  if (id) syncSoon(0);
}

export async function deviceId() {
  const row = await cached("device_id");
  if (row) return row.data;
  const id = `pwa-${crypto.randomUUID()}`;
  await keep("device_id", id);
  return id;
}

/** Queue a visit event ({visit_id, kind, device_time, lat, lon, accuracy_m, task, ...}). */
export const recordEvent = (fields) => fromDevice("visit_event", fields);

/** Queue a dose record ({visit_id, medication_id, slot, outcome, reason, prn_reason, administered_at}). */
export const recordDose = (fields) => fromDevice("dose", fields);

/** Queue the effect of an as-required dose ({visit_id, dose_key: the dose's idempotency_key, effect, recorded_at}). */
export const recordDoseEffect = (fields) => fromDevice("dose_effect", fields);

async function fromDevice(type, fields) {
  const item = { type, idempotency_key: crypto.randomUUID(), device_id: await deviceId(), ...fields };
  return enqueue(item, fields.visit_id);
}

/** Queue a non-contact activity ({client_id, category, minutes, note, occurred_at}). */
export async function recordActivity(fields) {
  return enqueue({ type: "activity", idempotency_key: crypto.randomUUID(), ...fields }, null);
}

async function enqueue(item, visitId) {
  for (const [key, value] of Object.entries(item)) if (value === null || value === undefined) delete item[key];
  const entry = {
    idempotency_key: item.idempotency_key, user_id: userId, visit_id: visitId ?? undefined,
    state: "pending", created_at: new Date().toISOString(), item,
  };
  await put("outbox", entry);
  notify();
  syncSoon(0);
  return entry;
}

async function mine(state) {
  const rows = state ? await all("outbox", "state", state) : await all("outbox");
  return rows.filter((e) => e.user_id === userId).sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export const pending = () => mine("pending");
export const rejected = () => mine("rejected");

/** Everything this device recorded for a visit, uploaded or not: the screen overlays it on the server's copy. */
export async function forVisit(visitId) {
  const rows = await all("outbox", "visit_id", Number(visitId));
  return rows.filter((e) => e.user_id === userId).sort((a, b) => itemTime(a.item).localeCompare(itemTime(b.item)));
}

/** When the worker did what an item records, by the phone's clock. */
export function itemTime(item) {
  return item.device_time || item.administered_at || item.recorded_at || item.occurred_at;
}

export async function dismiss(key) {
  const entry = await get("outbox", key);
  if (entry && entry.state === "rejected") await remove("outbox", key);
  notify();
}

export async function summary() {
  const [waiting, problems] = userId ? await Promise.all([pending(), rejected()]) : [[], []];
  return { pending: waiting.length, rejected: problems.length, ...status };
}

export function onChange(fn) {
  listeners.add(fn);
  summary().then(fn);
  return () => listeners.delete(fn);
}

function notify() {
  summary().then((s) => listeners.forEach((fn) => fn(s)));
}

/** Upload what waits, now (one run at a time); resolves when the queue is empty or the network gave up. */
export function syncNow() {
  inFlight ??= upload().finally(() => {
    inFlight = null;
    status.syncing = false;
    notify();
  });
  return inFlight;
}

function syncSoon(delayMs) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => { if (navigator.onLine) syncNow(); }, delayMs);
}

function batchOf(queue) {
  const encoder = new TextEncoder();
  const batch = [];
  let size = 200;
  for (const entry of queue) {
    const bytes = encoder.encode(JSON.stringify(entry.item)).length + 1;
    if (batch.length && (batch.length >= limits.items || size + bytes > limits.bytes)) break;
    batch.push(entry);
    size += bytes;
  }
  return batch;
}

function shrinkTo(details, sent) {
  const numbers = Object.entries(details || {}).filter(([, v]) => Number.isFinite(v));
  const items = numbers.find(([k]) => /item/i.test(k));
  const bytes = numbers.find(([k]) => /byte/i.test(k));
  limits = {
    items: Math.max(1, Math.min(items ? items[1] : limits.items, Math.ceil(sent / 2) || 1)),
    bytes: bytes ? Math.max(1024, Math.floor(bytes[1] * 0.9)) : limits.bytes,
  };
}

async function upload() {
  if (!userId) return;
  const device = await deviceId();
  for (;;) {
    const queue = await pending();
    if (!queue.length) {
      failures = 0;
      return;
    }
    status.syncing = true;
    notify();
    const batch = batchOf(queue);
    let answer;
    try {
      answer = await api.post(SYNC_PATH, { device_id: device, sent_at: new Date().toISOString(), items: batch.map((e) => e.item) });
    } catch (err) {
      if (err.status === 413 && batch.length > 1) {
        shrinkTo(err.details, batch.length);
        continue;
      }
      status.lastError = err;
      failures += 1;
      // Keep everything; try again later, backing off up to a minute.
      syncSoon(Math.min(60000, 2000 * 2 ** Math.min(failures, 5)));
      return;
    }
    status.lastError = null;
    status.lastSync = { at: answer.server_time, clock_offset_s: answer.clock_offset_s };
    await keep("last_sync", status.lastSync);
    const byKey = new Map((answer.results || []).map((r) => [r.idempotency_key, r]));
    let settled = 0;
    for (const entry of batch) {
      const result = byKey.get(entry.idempotency_key);
      if (!result || ![...SETTLED, "rejected"].includes(result.status)) continue;
      settled += 1;
      await put("outbox", {
        ...entry, state: result.status, server_id: result.id ?? null, flags: result.flags || [],
        error: result.error || null, settled_at: new Date().toISOString(),
      });
    }
    notify();
    if (!settled) {
      syncSoon(30000);
      return;
    }
  }
}

/** Drop settled entries older than a week; waiting and rejected ones stay until dealt with. */
async function prune() {
  const cutoff = new Date(Date.now() - KEEP_SETTLED_DAYS * 86400000).toISOString();
  for (const entry of await all("outbox")) {
    if (SETTLED.includes(entry.state) && (entry.settled_at || entry.created_at) < cutoff) await remove("outbox", entry.idempotency_key);
  }
}

export function isSettled(entry) {
  return SETTLED.includes(entry.state);
}

/** Upload whenever the connection returns, the app comes back to the front, or every half minute. */
export function startAutoSync() {
  cached("last_sync").then((row) => { if (row) status.lastSync = row.data; });
  prune();
  window.addEventListener("online", () => syncNow());
  document.addEventListener("visibilitychange", () => { if (!document.hidden && navigator.onLine) syncNow(); });
  setInterval(() => { if (navigator.onLine && userId) syncNow(); }, 30000);
}
