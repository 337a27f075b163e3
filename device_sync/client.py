"""Reference sync client: a durable local queue, uploaded in batches that fit the server's limits.

The queue is a SQLite file. enqueue() commits the item before anything is sent, so an
item the worker recorded survives the app or phone being killed. sync() removes an
item only after the server's answer for its key says it is settled (accepted,
duplicate or rejected) and records that answer in the `acked` log; anything without
an answer (timeout, crash, 5xx) stays queued and is sent again with the same key.

Batches are cut by item count and by the exact bytes of the request body. An item
too large to go even alone stays queued, marked with the reason (too_large()), and
is skipped so the items behind it still go; each sync tries it again, in case the
limits have grown. Never dropped: only the worker (or the app) can decide to discard it.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

from device_sync.protocol import ACCEPTED, DUPLICATE, REJECTED, SETTLED

# Not a server answer: the client's own count of items it cannot send at the current limits.
TOO_LARGE = "too_large"


@dataclass
class _Queued:
    seq: int
    key: str
    raw: str

    @property
    def size(self) -> int:
        return len(self.raw.encode())


class SyncClient:
    def __init__(self, path: str, base_url: str, token: str, device_id: str | None = None,
                 refresh_token: str | None = None, max_items: int = 500, max_bytes: int = 2 * 1024 * 1024,
                 timeout: float = 30):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        # too_large: the reason (JSON error) an item cannot go at the current limits, NULL while it can.
        self.db.execute("CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY, key TEXT UNIQUE, item TEXT,"
                        " too_large TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS acked (key TEXT PRIMARY KEY, status TEXT, server_id INTEGER,"
                        " error TEXT, flags TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        self.base_url, self.token, self.refresh_token, self.timeout = (
            base_url.rstrip("/"),
            token,
            refresh_token,
            timeout,
        )
        self.max_items, self.max_bytes = max_items, max_bytes
        self.device_id = device_id or self._meta("device_id") or f"ref-{uuid.uuid4()}"
        self._set_meta("device_id", self.device_id)
        self.session = requests.Session()
        # Every upload attempt, answered or not: what a simulator or benchmark reports as "sent".
        self.sent = {"requests": 0, "items": 0}

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
        """Items still to send (those too large to send are counted by too_large())."""
        return self.db.execute("SELECT count(*) FROM queue WHERE too_large IS NULL").fetchone()[0]

    def too_large(self) -> dict[str, dict]:
        """key → reason for every queued item that cannot be sent at the current limits."""
        return {
            k: json.loads(r) for k, r in self.db.execute("SELECT key, too_large FROM queue WHERE too_large IS NOT NULL")
        }

    def _body(self, items: list[dict]) -> bytes:
        """The request body, stamped with the device clock as it leaves (the server measures offset from it)."""
        sent_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        return json.dumps({"device_id": self.device_id, "sent_at": sent_at, "items": items}).encode()

    def _overhead(self) -> int:
        return len(self._body([]))

    def _next_batch(self, after_seq: int) -> list[_Queued]:
        """The longest run of queue items after after_seq whose request body fits both limits.

        The body is the envelope's JSON with the items' own JSON joined by ", " (as
        json.dumps writes it), so its size is known exactly before sending.
        """
        overhead = self._overhead()
        batch, size = [], overhead
        rows = self.db.execute("SELECT seq, key, item FROM queue WHERE seq > ? AND too_large IS NULL ORDER BY seq",
                               (after_seq,))
        for row in rows:
            item = _Queued(*row)
            if overhead + item.size > self.max_bytes:
                self._mark_too_large(item, {"code": "item_too_large",
                                            "message": "The item alone is larger than the server accepts in a batch",
                                            "details": {"bytes": overhead + item.size, "max_bytes": self.max_bytes}})
                continue
            added = item.size + (2 if batch else 0)
            if len(batch) >= self.max_items or size + added > self.max_bytes:
                break
            batch.append(item)
            size += added
        return batch

    def _mark_too_large(self, item: _Queued, reason: dict) -> None:
        self.db.execute("UPDATE queue SET too_large = ? WHERE key = ?", (json.dumps(reason), item.key))

    def sync(self) -> dict:
        """Upload everything queued, in queue order; returns counts by answer (and items too large to send).

        Raises on a transport failure or a login the server no longer takes; what had no
        answer stays queued.
        """
        counts = dict.fromkeys((ACCEPTED, DUPLICATE, REJECTED), 0)
        # Items set aside at earlier limits are tried again if they fit the limits known now.
        self.db.execute("UPDATE queue SET too_large = NULL WHERE length(CAST(item AS BLOB)) <= ?",
                        (self.max_bytes - self._overhead(),))
        after = 0
        while batch := self._next_batch(after):
            response = self._post([json.loads(q.raw) for q in batch])
            if response.status_code == 413:
                self._learn_limits(response, batch)
                continue
            response.raise_for_status()
            body = response.json()
            self._set_meta("clock_offset_s", str(body["clock_offset_s"]))
            settled = [(sent.key, result) for sent, result in zip(batch, body["results"])
                       if result["status"] in SETTLED]
            self._settle(settled)
            for _key, result in settled:
                counts[result["status"]] += 1
            after = batch[-1].seq
        counts[TOO_LARGE] = self.db.execute("SELECT count(*) FROM queue WHERE too_large IS NOT NULL").fetchone()[0]
        return counts

    def _post(self, items: list[dict]) -> requests.Response:
        """One upload; an expired access token is refreshed once and the upload sent again."""
        response = self._send(items)
        if response.status_code == 401 and self.refresh_token and _error_code(response) == "token_expired":
            self._refresh()
            response = self._send(items)
        return response

    def _send(self, items: list[dict]) -> requests.Response:
        self.sent["requests"] += 1
        self.sent["items"] += len(items)
        return self.session.post(f"{self.base_url}/api/v1/sync/batches", data=self._body(items), timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})

    def _refresh(self) -> None:
        response = self.session.post(f"{self.base_url}/api/v1/auth/refresh", timeout=self.timeout,
                                     headers={"Authorization": f"Bearer {self.refresh_token}"})
        response.raise_for_status()
        self.token = response.json()["access_token"]

    def _learn_limits(self, response: requests.Response, batch: list[_Queued]) -> None:
        """Adopt the limits a 413 states; if they were known already, halve the batch instead.

        Every refusal shrinks the next attempt, and a lone item refused is marked too large,
        so a sync always ends.
        """
        limits = (_error(response) or {}).get("details") or {}
        known = (self.max_items, self.max_bytes)
        self.max_items = min(self.max_items, limits.get("max_items", self.max_items))
        self.max_bytes = min(self.max_bytes, limits.get("max_bytes", self.max_bytes))
        if (self.max_items, self.max_bytes) != known:
            return
        if len(batch) == 1:
            self._mark_too_large(batch[0], _error(response) or {"code": "item_too_large", "message": response.reason,
                                                                "details": {}})
            return
        self.max_items = min(self.max_items, len(batch) // 2)

    def _settle(self, answered: list[tuple[str, dict]]) -> None:
        """Log a batch's answers and drop their items from the queue in one transaction: a phone's storage
        commits slowly, so one commit per batch, not per item; a crash before it leaves the whole batch to
        send again, answered as duplicates."""
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO acked (key, status, server_id, error, flags)"
                            " VALUES (?, ?, ?, ?, ?)",
                            [(key, result["status"], result.get("id"), json.dumps(result.get("error")),
                              json.dumps(result.get("flags", []))) for key, result in answered])
        self.db.executemany("DELETE FROM queue WHERE key = ?", [(key,) for key, _result in answered])
        self.db.execute("COMMIT")

    def acknowledged(self) -> dict[str, tuple[str, int | None]]:
        """key → (status, server id) for every item the server has answered."""
        return {k: (s, i) for k, s, i in self.db.execute("SELECT key, status, server_id FROM acked")}


def _error(response: requests.Response) -> dict | None:
    """The error object of a Caremon error answer; None for anything else (a proxy's HTML page)."""
    try:
        return response.json().get("error")
    except ValueError:
        return None


def _error_code(response: requests.Response) -> str | None:
    return (_error(response) or {}).get("code")
