"""Plays a day of several care workers against a running Caremon, through a lossy network.

Each worker logs in, fetches their run and records arrival, check-in, a task and
check-out for every visit, in the order of their times, into a reference client's
queue. A few stretches of the day have no signal: what is recorded then is kept and
reaches the queue out of order when signal returns. Otherwise every event is uploaded
as it is recorded, through a network that loses requests, loses answers and sends
batches twice. At the end every worker syncs over a good connection, and the
simulator reports what was recorded, sent (resends included), acknowledged and stored.
"""
from __future__ import annotations

import random
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import requests

from device_sync.client import SyncClient


@dataclass
class Network:
    """Faults applied to each upload; rng makes a run repeatable by seed."""

    rng: random.Random
    loss: float = 0.1
    duplicates: float = 0.1
    log: dict = field(default_factory=lambda: {"lost_requests": 0, "lost_answers": 0, "duplicated": 0})

    def wrap(self, session: requests.Session) -> None:
        post = session.post

        def lossy_post(*args, **kwargs):
            if self.rng.random() < self.loss / 2:
                self.log["lost_requests"] += 1
                raise requests.ConnectionError("request lost")
            response = post(*args, **kwargs)
            if self.rng.random() < self.duplicates:
                self.log["duplicated"] += 1
                post(*args, **kwargs)
            if self.rng.random() < self.loss / 2:
                self.log["lost_answers"] += 1
                raise requests.ConnectionError("answer lost")
            return response

        session.post = lossy_post


def _login(base_url: str, email: str, password: str) -> tuple[str, str]:
    r = requests.post(f"{base_url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30)
    r.raise_for_status()
    return r.json()["access_token"], r.json()["refresh_token"]


def _events_for(visit: dict, rng: random.Random) -> list[dict]:
    start = datetime.fromisoformat(visit["planned_start"]) + timedelta(minutes=rng.randint(-5, 12))
    home = visit["client"]["lat"], visit["client"]["lon"]
    fix = {"lat": home[0] + rng.uniform(-3e-4, 3e-4), "lon": home[1] + rng.uniform(-3e-4, 3e-4), "accuracy_m": 15}
    plan = [("arrival", start - timedelta(minutes=1), {}), ("check_in", start, {}),
            ("check_out", start + timedelta(minutes=visit["planned_minutes"]), {})]
    if visit["tasks"]:
        plan.insert(2, ("task_done", start + timedelta(minutes=4), {"task": visit["tasks"][0]}))
    return [{"type": "visit_event", "visit_id": visit["id"], "idempotency_key": str(uuid.uuid4()), "kind": kind,
             "device_time": at.isoformat(), **fix, **extra} for kind, at, extra in plan]


def offline_stretches(
    events: list[dict], count: int, minutes: int, rng: random.Random
) -> list[tuple[datetime, datetime]]:
    """`count` stretches of `minutes` without signal, starting at random moments of the worker's day."""
    if not events or not count:
        return []
    first, last = (datetime.fromisoformat(events[i]["device_time"]) for i in (0, -1))
    span = (last - first).total_seconds()
    starts = sorted(first + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    return [(at, at + timedelta(minutes=minutes)) for at in starts]


def simulate(base_url: str, emails: list[str], password: str, day: str | None = None, seed: int = 1,
             loss: float = 0.1, duplicates: float = 0.1, stretches: int = 2, offline_minutes: int = 90,
             workdir: str | None = None) -> dict:
    rng = random.Random(seed)
    folder = Path(workdir or tempfile.mkdtemp(prefix="caremon-sim-"))
    report = {"workers": [], "network": None}
    network = Network(rng, loss, duplicates)
    for email in emails:
        token, refresh = _login(base_url, email, password)
        run = requests.get(f"{base_url}/api/v1/run", params={"date": day} if day else None,
                           headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        client = SyncClient(str(folder / f"{email}.queue"), base_url, token, refresh_token=refresh, max_items=10)
        network.wrap(client.session)
        events = sorted((e for visit in run["visits"] for e in _events_for(visit, rng)),
                        key=lambda e: datetime.fromisoformat(e["device_time"]))
        no_signal = offline_stretches(events, stretches, offline_minutes, rng)
        recorded = [e["idempotency_key"] for e in events]
        held: list[dict] = []  # recorded with no signal, uploaded when it comes back
        offline = 0
        for event in events:
            at = datetime.fromisoformat(event["device_time"])
            if any(start <= at < end for start, end in no_signal):
                held.append(event)
                offline += 1
                continue
            _enqueue_reordered(client, held, rng)
            client.enqueue(event)
            _try_sync(client)
        _enqueue_reordered(client, held, rng)
        _try_sync(client)
        while client.pending():  # signal back for good
            _try_sync(client)
        stored = [
            k for k in _stored_keys(base_url, client.token, {v["id"] for v in run["visits"]}) if k in set(recorded)
        ]
        report["workers"].append(
            {
                "worker": email,
                "visits": len(run["visits"]),
                "recorded": len(recorded),
                "offline": offline,
                "sent": client.sent["items"],
                "requests": client.sent["requests"],
                "acknowledged": len(client.acknowledged()),
                "stored": len(stored),
                "missing": sorted(set(recorded) - set(stored)),
                "stored_twice": len(stored) - len(set(stored)),
            }
        )
    report["network"] = network.log
    return report


def _enqueue_reordered(client: SyncClient, held: list[dict], rng: random.Random) -> None:
    """What was recorded offline reaches the queue out of order, as it may reach the server."""
    rng.shuffle(held)
    for event in held:
        client.enqueue(event)
    held.clear()


def _try_sync(client: SyncClient) -> None:
    try:
        client.sync()
    except requests.RequestException:
        pass  # the queue keeps everything unanswered


def _stored_keys(base_url: str, token: str, visit_ids: set[int]) -> list[str]:
    """Every stored event's key, as often as it is stored (so a double would show)."""
    keys = []
    for visit_id in visit_ids:
        timeline = requests.get(f"{base_url}/api/v1/visits/{visit_id}", headers={"Authorization": f"Bearer {token}"},
                                timeout=30).json()
        keys += [e["idempotency_key"] for e in timeline["events"]]
    return keys
