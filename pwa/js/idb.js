// A small promise wrapper over IndexedDB: the device's durable store for the outbox and offline copies.

const NAME = "caremon";
const VERSION = 1;
let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      // Every recorded event and activity, keyed by its idempotency key; "state" says whether it still waits.
      const outbox = db.createObjectStore("outbox", { keyPath: "idempotency_key" });
      outbox.createIndex("state", "state");
      outbox.createIndex("visit_id", "visit_id");
      // Offline copies of what the screens last fetched (the run, the user's profile), and the device id.
      db.createObjectStore("cache", { keyPath: "key" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function store(name, mode) {
  const db = await open();
  return db.transaction(name, mode).objectStore(name);
}

export async function get(name, key) {
  return done((await store(name, "readonly")).get(key));
}

export async function put(name, value) {
  return done((await store(name, "readwrite")).put(value));
}

export async function remove(name, key) {
  return done((await store(name, "readwrite")).delete(key));
}

export async function all(name, index, value) {
  const s = await store(name, "readonly");
  return done(index ? s.index(index).getAll(value) : s.getAll());
}

/** Offline copies: cached(key) / keep(key, data). */
export async function cached(key) {
  const row = await get("cache", key);
  return row ? row : null;
}

export async function keep(key, data) {
  return put("cache", { key, data, saved_at: new Date().toISOString() });
}

export async function forget(key) {
  return remove("cache", key);
}
