// The doses at a visit: the server's list when it answers, else the copy saved on the phone, with the
// phone's own dose records (uploaded or still waiting) laid over it.
import * as api from "./api.js";
import { cached, keep } from "./idb.js";

/** The visit's doses (GET /api/v1/visits/<id>/doses); offline, the saved copy, or null when there is none. */
export async function loadDoses(visitId) {
  try {
    const doses = await api.get(`/api/v1/visits/${visitId}/doses`);
    await keep(`doses:${visitId}`, doses);
    return doses;
  } catch (err) {
    if (err.status !== 0) throw err;
    return (await cached(`doses:${visitId}`))?.data || null;
  }
}

function fromEntry(entry) {
  const i = entry.item;
  return { idempotency_key: i.idempotency_key, medication_id: i.medication_id, slot: i.slot ?? null, outcome: i.outcome,
    reason: i.reason ?? null, prn_reason: i.prn_reason ?? null, administered_at: i.administered_at, pending: entry.state === "pending" };
}

// The effect last said on this phone, unless the server holds one said later (the latest said wins there too).
function withEffect(record, effects) {
  const said = effects.filter((e) => e.item.dose_key === record.idempotency_key).at(-1);
  if (!said || (record.prn_effect_at && new Date(record.prn_effect_at) > new Date(said.item.recorded_at))) return record;
  return { ...record, prn_effect: said.item.effect, prn_effect_at: said.item.recorded_at, effect_pending: said.state === "pending" };
}

/**
 * Each due dose with its record (the server's, else the phone's), the as-required medicines with the doses
 * given at this visit (with their effects), and the due doses still without a record.
 */
export function dosesWithLocal(doses, entries) {
  const known = new Set(doses.records.map((r) => r.idempotency_key));
  const local = entries.filter((e) => e.item.type === "dose" && e.state !== "rejected" && !known.has(e.idempotency_key))
    .map(fromEntry);
  const records = [...doses.records, ...local];
  const slotKey = (r) => `${r.medication_id}:${r.slot}`;
  const bySlot = new Map(records.filter((r) => r.slot).map((r) => [slotKey(r), r]));
  const due = doses.due.map((d) => ({ ...d, record: bySlot.get(slotKey(d)) || null }));
  const effects = entries.filter((e) => e.item.type === "dose_effect" && e.state !== "rejected");
  const asRequired = doses.as_required.map((v) => ({
    version: v, given: records.filter((r) => r.slot === null && r.medication_id === v.medication_id)
      .map((r) => withEffect(r, effects)),
  }));
  return { due, asRequired, undone: due.filter((d) => !d.record) };
}
