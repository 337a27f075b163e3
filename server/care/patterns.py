"""Provider admins changing a client's visit patterns, and previewing the visits a pattern would make.

A pattern's visits are generated some days ahead (generation.py), so changing or ending a pattern also
settles the visits it already made: a future visit still waiting to happen that the new pattern no longer
calls for is cancelled (and let go of its slot, so the pattern may call for that start again later); one it
still calls for takes the new length, carers and tasks. Visits under way or done are history and stay as
they were. The preview runs the same planned_starts as generation, writing nothing.
"""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.care.generation import generate_visits, planned_starts
from server.care.models import CarePackage, VisitPattern
from server.care.service import check_workers
from server.directory.models import Client, Worker
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.timeutil import to_local
from server.visits.models import Visit, VisitStatus
from server.visits.service import cancel

# Fields whose change alters which visits a pattern makes, or what each of them is.
SCHEDULE = ("weekdays", "start_time", "starts_on", "ends_on", "active")
SHAPE = ("duration_minutes", "carers_required", "tasks")


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise invalid("ends_on", _("ends_on is before starts_on"))


def update_package(ident: Identity, package: CarePackage, data: dict, now: datetime) -> CarePackage:
    """Change the commissioned minutes or dates; ending a package is setting ends_on."""
    _check_dates(data.get("starts_on", package.starts_on), data.get("ends_on", package.ends_on))
    for name, value in data.items():
        setattr(package, name, value)
    record("care_packages.update", "care_packages", package.id, user_id=ident.user_id, now=now,
           client_id=package.client_id, fields=sorted(data))
    return package


def update_pattern(ident: Identity, pattern: VisitPattern, client: Client, data: dict, now: datetime,
                   days_ahead: int) -> dict:
    """Apply the change, settle the visits already generated, and generate what the new pattern calls for.

    Returns how many future visits were cancelled, changed and created, for the admin to be told."""
    _check_dates(data.get("starts_on", pattern.starts_on), data.get("ends_on", pattern.ends_on))
    if "worker_ids" in data:
        check_workers(data["worker_ids"], client.contract.provider_id)
    for name, value in data.items():
        setattr(pattern, name, value)
    db.session.flush()
    cancelled, changed = _settle_future_visits(pattern, client, now, days_ahead, data)
    created = generate_visits(now, days_ahead, [client.id])
    record("visit_patterns.update", "visit_patterns", pattern.id, user_id=ident.user_id, now=now,
           client_id=client.id, fields=sorted(data), cancelled=cancelled, changed=changed, created=created)
    return {"pattern": pattern, "cancelled": cancelled, "changed": changed, "created": created}


def _settle_future_visits(pattern: VisitPattern, client: Client, now: datetime, days_ahead: int,
                          data: dict) -> tuple[int, int]:
    visits = db.session.scalars(select(Visit).where(
        Visit.pattern_id == pattern.id, Visit.status == VisitStatus.SCHEDULED, Visit.started_at.is_(None),
        Visit.planned_start > now)).all()
    if not visits:
        return 0, 0
    # Generated visits lie within the horizon, but one made under a longer horizon may lie beyond it.
    horizon = max(days_ahead, (max(v.planned_start for v in visits) - now).days + 1)
    wanted = set(planned_starts(pattern, client.contract.council.timezone, now, horizon)) if pattern.active else set()
    cancelled = changed = 0
    for visit in visits:
        if visit.planned_start not in wanted:
            cancel(visit, _("Visit pattern changed"), now)
            visit.pattern_id = None
            cancelled += 1
        elif data.keys() & set(SHAPE):
            visit.planned_minutes, visit.carers_required = pattern.duration_minutes, pattern.carers_required
            visit.tasks = list(pattern.tasks)
            changed += 1
    db.session.flush()
    return cancelled, changed


def preview(client: Client, data: dict, now: datetime, days: int, replacing: VisitPattern | None = None) -> dict:
    """The visits a pattern (not saved) would make over the next `days` local days, and its weekly minutes
    beside the package in force and the client's other active patterns."""
    tz = client.contract.council.timezone
    shape = SimpleNamespace(weekdays=data["weekdays"], start_time=data["start_time"], starts_on=data["starts_on"],
                            ends_on=data.get("ends_on"))
    if data.get("worker_ids"):
        check_workers(data["worker_ids"], client.contract.provider_id)
    names = dict(
        db.session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(data.get("worker_ids") or []))).all()
    )
    visits = [
        {
            "planned_start": start,
            "local_date": to_local(start, tz).date(),
            "local_time": to_local(start, tz).strftime("%H:%M"),
            "planned_minutes": data["duration_minutes"],
            "carers_required": data.get("carers_required", 1),
            "workers": [names[i] for i in data.get("worker_ids") or []],
        }
        for start in planned_starts(shape, tz, now, days - 1)
    ]
    return {
        "visits": visits,
        "weekly_minutes": len(set(data["weekdays"])) * data["duration_minutes"],
        **_weekly_context(client, now, tz, replacing),
    }


def _weekly_context(client: Client, now: datetime, tz: str, replacing: VisitPattern | None) -> dict:
    today = to_local(now, tz).date()
    package = db.session.scalar(select(CarePackage).where(
        CarePackage.client_id == client.id, CarePackage.starts_on <= today,
        (CarePackage.ends_on.is_(None)) | (CarePackage.ends_on >= today)).order_by(CarePackage.starts_on.desc()))
    others = db.session.scalars(select(VisitPattern).where(
        VisitPattern.client_id == client.id, VisitPattern.active.is_(True),
        (VisitPattern.ends_on.is_(None)) | (VisitPattern.ends_on >= today),
        VisitPattern.id != (replacing.id if replacing else -1))).all()
    return {"package_weekly_minutes": package.weekly_minutes if package else None,
            "other_patterns_weekly_minutes": sum(len(set(p.weekdays)) * p.duration_minutes for p in others)}


def after_create(client: Client, now: datetime, days_ahead: int) -> int:
    """A new pattern's visits appear on the roster at once rather than at the scheduler's next hourly run."""
    return generate_visits(now, days_ahead, [client.id])


