"""Reference sync client: a durable local queue, uploaded in batches that fit the server's limits.

The queue is a SQLite file. enqueue() commits the item before anything is sent, so an
item the worker recorded survives the app or phone being killed. sync() removes an
item only after the server's answer for its key says it is settled (accepted,
duplicate or rejected) and records that answer in the `acked` log; anything without
an answer (timeout, crash, 5xx) stays queued and is sent again with the same key.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone

import requests

from device_sync.protocol import SETTLED


class SyncClient:
    def __init__(self, path: str, base_url: str, token: str, device_id: str | None = None,
                 max_items: int = 500, max_bytes: int = 2 * 1024 * 1024, timeout: float = 30):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY, key TEXT UNIQUE, item TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS acked (key TEXT PRIMARY KEY, status TEXT, server_id INTEGER,"
                        " error TEXT, flags TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        self.base_url, self.token, self.timeout = base_url.rstrip("/"), token, timeout
        self.max_items, self.max_bytes = max_items, max_bytes
        self.device_id = device_id or self._meta("device_id") or f"ref-{uuid.uuid4()}"
        self._set_meta("device_id", self.device_id)
        self.session = requests.Session()

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def enqueue(self, item: dict) -> str:
        """Store an item durably; gives it an idempotency key if it has none."""
        item = {"idempotency_key": str(uuid.uuid4()), **item}
        self.db.execute("INSERT OR IGNORE INTO queue (key, item) VALUES (?, ?)",
                        (item["idempotency_key"], json.dumps(item, default=str)))
        return item["idempotency_key"]

    def pending(self) -> int:
        return self.db.execute("SELECT count(*) FROM queue").fetchone()[0]

    def _batches(self):
        """Queue order, cut to the item and byte limits (a single oversized item goes alone)."""
        batch, size = [], 0
        for key, raw in self.db.execute("SELECT key, item FROM queue ORDER BY seq").fetchall():
            if batch and (len(batch) >= self.max_items or size + len(raw) + 200 > self.max_bytes):
                yield batch
                batch, size = [], 0
            batch.append(json.loads(raw))
            size += len(raw) + 2
        if batch:
            yield batch

    def sync(self) -> dict:
        """Upload everything queued; returns counts by answer. Raises on a transport failure."""
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        for batch in list(self._batches()):
            envelope = {"device_id": self.device_id, "sent_at": datetime.now(timezone.utc).isoformat(), "items": batch}
            response = self.session.post(f"{self.base_url}/api/v1/sync/batches", json=envelope, timeout=self.timeout,
                                         headers={"Authorization": f"Bearer {self.token}"})
            if response.status_code == 413:
                limits = response.json()["error"]["details"]
                self.max_items = min(self.max_items, limits["max_items"], max(1, len(batch) // 2))
                self.max_bytes = min(self.max_bytes, limits["max_bytes"])
                return self._merge(counts, self.sync())
            response.raise_for_status()
            body = response.json()
            self._set_meta("clock_offset_s", str(body["clock_offset_s"]))
            for sent, result in zip(batch, body["results"]):
                if result["status"] in SETTLED:
                    self._settle(sent["idempotency_key"], result)
                    counts[result["status"]] += 1
        return counts

    def _settle(self, key: str, result: dict) -> None:
        self.db.execute("BEGIN")
        self.db.execute("INSERT OR REPLACE INTO acked (key, status, server_id, error, flags) VALUES (?, ?, ?, ?, ?)",
                        (key, result["status"], result.get("id"), json.dumps(result.get("error")),
                         json.dumps(result.get("flags", []))))
        self.db.execute("DELETE FROM queue WHERE key = ?", (key,))
        self.db.execute("COMMIT")

    @staticmethod
    def _merge(a: dict, b: dict) -> dict:
        return {k: a[k] + b[k] for k in a}

    def acknowledged(self) -> dict[str, tuple[str, int | None]]:
        """key → (status, server id) for every item the server has answered."""
        return {k: (s, i) for k, s, i in self.db.execute("SELECT key, status, server_id FROM acked")}
