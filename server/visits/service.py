"""Recording what happened at a visit: events in, visit state and exceptions out.

Events are facts from a phone and are never changed. A visit's status, its
carers' effective times and its exceptions are derived from them here, in the
same transaction, so a retry or a late-arriving offline batch converges on the
same state.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload

from device_sync.clock import corrected, is_skewed
from server.db_types import utcnow
from server.directory.models import Client, Contract, Worker
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _
from server.visits import confirmation, looked_up
from server.visits.flags import CarerTimes, Thresholds, VisitTimes, flags_for
from server.visits.geofence import judge as judge_fix
from server.visits.idempotency import content_hash, store_once
from server.visits.models import (
    ExceptionKind,
    OutcomeProgress,
    ReasonKind,
    Visit,
    VisitAssignment,
    VisitEvent,
    VisitException,
    VisitStatus,
)
from server.visits.presence import presence_verdict
from server.visits.signals import before_check_out, cancelled, completed, outcome_chosen, outside_geofence

# Event fields that make up its content; the rest (receipt time, clock offset) belongs to the delivery.
CONTENT_FIELDS = ("kind", "device_time", "lat", "lon", "accuracy_m", "device_id",
                  "task", "text", "outcome_id", "score", "comment", "task_reasons", "short_reason")
# Content added later: hashed only when given, so an event stored before them is still its own retry.
ADDED_FIELDS = ("method", "tag", "code", "shareable")
PAYLOAD_FIELDS = ("task", "text", "outcome_id", "score", "comment", "task_reasons", "short_reason", "shareable")


def record_event(*, worker_id: int, visit_id: int, data: dict, now: datetime,
                 clock_offset_s: float | None = None, skew_threshold_s: float | None = None,
                 source_system: str | None = None) -> tuple[VisitEvent, bool]:
    """Store one event exactly once. Returns (event, created); the caller commits.

    clock_offset_s is the device's clock minus the server's, measured at the sync that
    carried the event. When that offset, or the event's time ahead of its receipt, is beyond
    skew_threshold_s, the event keeps its device time as sent, is flagged clock_skew (its
    visit's pay held for a coordinator), and the visit's times use the corrected clock.
    Without a threshold (replaying history) no clock is judged.
    """
    data = {**data, "idempotency_key": str(data["idempotency_key"])}
    skew = _clock_skew(data["device_time"], now, clock_offset_s, skew_threshold_s)
    # The worker is part of the content: a key replayed by anyone else is a conflict, never their event.
    payload_hash = content_hash({k: data.get(k) for k in CONTENT_FIELDS}
                                | {k: data[k] for k in ADDED_FIELDS if data.get(k) is not None}
                                | ({"confirmation": confirmation.hashed_content(data["confirmation"])}
                                   if data.get("confirmation") else {})
                                | {"visit_id": visit_id, "worker_id": worker_id})
    # Tenancy first, so a known key opens nothing on a visit the worker was never on.
    visit, assignment = visit_for_worker(visit_id, worker_id)
    event, created = store_once(VisitEvent, data["idempotency_key"], payload_hash,
                                lambda: _new_event(visit, worker_id, data, payload_hash, now, clock_offset_s,
                                                   source_system, skew))
    if not created:
        return event, False
    looked_up.recorded(event)
    if skew:
        open_exception(visit, ExceptionKind.CLOCK_SKEW, now, worker_id=worker_id, detail=skew)
    if data.get("confirmation"):
        confirmation.keep(visit, event, data["confirmation"])
    _apply(visit, assignment, event, now)
    return event, True


def _new_event(visit: Visit, worker_id: int, data: dict, payload_hash: str, now: datetime,
               clock_offset_s: float | None, source_system: str | None, skew: str | None) -> dict:
    """The event a new key stands for, judged where it was made, as column values; refused (ApiError) if its
    content does not fit."""
    _validate_content(visit, data)
    if data["kind"] == "check_out":
        before_check_out.send(visit)
    fix = judge_fix(data.get("lat"), data.get("lon"), data.get("accuracy_m"), (visit.client.lat, visit.client.lon),
                    visit.client.geofence_radius_m or visit.contract.geofence_radius_m, visit.contract.accuracy_limit_m)
    method = data.get("method") or "gps"
    presence, problem = presence_verdict(visit.client_id, method, data, fix.geofence, min(data["device_time"], now))
    return dict(
        idempotency_key=data["idempotency_key"], payload_hash=payload_hash, visit_id=visit.id,
        worker_id=worker_id, kind=data["kind"], device_time=data["device_time"], received_at=now,
        device_id=data.get("device_id"), source_system=source_system, clock_offset_s=clock_offset_s,
        lat=data.get("lat"), lon=data.get("lon"), accuracy_m=data.get("accuracy_m"),
        distance_m=fix.distance_m, geofence=fix.geofence, method=method, verdict=presence,
        payload={k: data[k] for k in PAYLOAD_FIELDS if data.get(k) is not None}
        | ({"tag_problem": problem} if problem else {}),
        flags=["clock_skew"] if skew else [],
    )


def _clock_skew(device_time: datetime, now: datetime, offset_s: float | None, threshold_s: float | None) -> str | None:
    """Why this event's device time cannot be trusted, or None.

    Either the phone's clock was measured too far off at the sync, or the event claims a time
    too far ahead of its receipt: nothing reported can have happened after the server got it.
    """
    if threshold_s is None:
        return None
    if is_skewed(offset_s, threshold_s):
        return f"phone clock {offset_s:+.0f} s from server time"
    ahead_s = (device_time - now).total_seconds()
    if ahead_s > threshold_s:
        return f"device time {ahead_s:+.0f} s ahead of server time"
    return None


# What recording an event reads of its visit, in one round trip: the carers joined in (not their logins, which
# it never reads), its open exceptions (to close one, or not to open one twice), and the client's contract (the
# visit's own, already joined) not joined a second time, nor its provider.
EVENT_LOADS = (joinedload(Visit.client).lazyload(Client.contract),
               joinedload(Visit.contract).lazyload(Contract.provider),
               joinedload(Visit.assignments).joinedload(VisitAssignment.worker).lazyload(Worker.login),
               joinedload(Visit.open_exceptions))


def visits_for_worker(visit_ids, worker_id: int) -> list[Visit]:
    """The worker's visits among these ids, loaded as record_event reads them: a batch's visits in one query.

    Whoever holds the list keeps them in the session, so each event's own lookup finds its visit there.
    """
    return db.session.scalars(select(Visit).options(*EVENT_LOADS).where(
        Visit.id.in_(visit_ids), Visit.assignments.any(VisitAssignment.worker_id == worker_id))).unique().all()


# Built once: session.get would work out the cache key of EVENT_LOADS again for every event.
_VISIT_FOR_EVENT = select(Visit).options(*EVENT_LOADS).where(Visit.id == bindparam("visit_id"))


def visit_for_worker(visit_id: int, worker_id: int) -> tuple[Visit, VisitAssignment]:
    """Any assignment counts, even one since removed: what the worker did there must still land.

    A visit the session holds unexpired (a batch's, or the one the route holds) is not read again."""
    visit = db.session.identity_map.get(db.session.identity_key(Visit, visit_id))
    if visit is None or inspect(visit).expired:
        visit = db.session.scalars(_VISIT_FOR_EVENT, {"visit_id": visit_id}).unique().one_or_none()
    if visit is None:
        raise not_found(_("Visit not found"))
    mine = [a for a in visit.assignments if a.worker_id == worker_id]
    if not mine:
        raise not_found(_("Visit not found"))
    mine.sort(key=lambda a: a.removed_at is not None)
    return visit, mine[0]


def _validate_content(visit: Visit, data: dict) -> None:
    kind = data["kind"]
    if kind == "task_done" and data.get("task") not in (visit.tasks or []):
        raise invalid("task", _("Not one of this visit's tasks"))
    for given in data.get("task_reasons") or ():
        if given["task"] not in (visit.tasks or []):
            raise invalid("task_reasons", _("Not one of this visit's tasks: %(task)s", task=given["task"]))
    if (data.get("confirmation") or {}).get("signature"):
        confirmation.signature_png(data["confirmation"]["signature"])
    if kind == "note" and not (data.get("text") or "").strip():
        raise invalid("text", _("A note needs text"))
    if kind == "outcome_progress":
        if data.get("score") is None:
            raise invalid("score", _("Outcome progress needs a score"))
        # Outcomes are care's: it answers whether this is one the client is working towards.
        answers = outcome_chosen.send(visit, outcome_id=data["outcome_id"]) if data.get("outcome_id") else ()
        if not any(known for _receiver, known in answers):
            raise invalid("outcome_id", _("Unknown outcome for this client"))


def _apply(visit: Visit, assignment: VisitAssignment, event: VisitEvent, now: datetime) -> None:
    """Fold one new event into the visit's derived state."""
    if visit.status == VisitStatus.CANCELLED:
        event.flags = [*event.flags, "after_cancel"]
        open_exception(visit, ExceptionKind.EVENT_AFTER_CANCEL, now, worker_id=event.worker_id,
                        detail=f"{_said(event.kind)} recorded after the visit was cancelled")
    if assignment.removed_at is not None:
        event.flags = [*event.flags, "reassigned"]
        open_exception(visit, ExceptionKind.NOT_ASSIGNED, now, worker_id=event.worker_id,
                        detail=f"{_said(event.kind)} from a worker no longer assigned")
    at = _server_time(event)
    _note_position(event, at)
    if event.kind == "check_out":
        _keep_reasons(visit, event)

    if event.kind == "outcome_progress":
        db.session.add(OutcomeProgress(
            event=event, visit_id=visit.id, client_id=visit.client_id, contract_id=visit.contract_id,
            worker_id=event.worker_id, outcome_id=event.payload["outcome_id"], score=event.payload["score"],
            comment=event.payload.get("comment"), recorded_at=event.device_time,
        ))
    if event.kind not in ("arrival", "check_in", "check_out") or assignment.manual:
        # Times a coordinator has settled are not moved by a late-arriving phone.
        if assignment.manual and event.kind in ("check_in", "check_out"):
            event.flags = [*event.flags, "after_correction"]
        judge(visit)
        return

    if event.kind == "arrival":
        assignment.arrived_at = min(filter(None, (assignment.arrived_at, at)))
        # One arrival verified at the door is the evidence a frustrated visit needs; keep it once seen.
        if assignment.arrival_geofence != "verified":
            assignment.arrival_geofence = event.geofence
        return
    if event.verdict == "invalid":
        open_exception(visit, ExceptionKind.TAG_INVALID, now, worker_id=event.worker_id,
                       detail=f"{_said(event.kind)} by {event.method}: {event.payload['tag_problem']}")
    elif event.verdict == "none":
        open_exception(visit, ExceptionKind.NO_GEOLOCATION, now, worker_id=event.worker_id,
                        detail=f"{_said(event.kind)} without a location")
    elif event.verdict == "outside":
        detail = f"{_said(event.kind)} {round(event.distance_m)} m from home"
        open_exception(visit, ExceptionKind.OUTSIDE_GEOFENCE, now, worker_id=event.worker_id, detail=detail)
        # Coordinators watch alerts, not exceptions: this one needs someone to look now.
        outside_geofence.send(visit, now=now, worker_id=event.worker_id, detail=detail)
    if event.kind == "check_in":
        if assignment.checked_out_at is not None:
            close_exception(visit, ExceptionKind.MISSING_CHECK_IN, now, worker_id=event.worker_id,
                         resolution="check-in received after check-out (offline sync)")
        # Delivered after all (an offline phone): nobody has to say why it was missed.
        close_exception(visit, ExceptionKind.MISSED, now, worker_id=None,
                        resolution="check-in received after the visit was marked missed")
        if assignment.checked_in_at is None or at < assignment.checked_in_at:
            assignment.checked_in_at = at
            assignment.check_in_geofence, assignment.check_in_method = event.verdict, event.method
    else:
        if assignment.checked_out_at is None or at > assignment.checked_out_at:
            assignment.checked_out_at = at
            assignment.check_out_geofence, assignment.check_out_method = event.verdict, event.method
        if assignment.checked_in_at is None:
            event.flags = [*event.flags, "out_of_order"]
            open_exception(visit, ExceptionKind.MISSING_CHECK_IN, now, worker_id=event.worker_id,
                            detail="check-out arrived before any check-in")
    if assignment.checked_in_at and assignment.checked_out_at and assignment.checked_out_at < assignment.checked_in_at:
        open_exception(visit, ExceptionKind.CHECKOUT_BEFORE_CHECKIN, now, worker_id=event.worker_id,
                        detail="check-out time is before check-in time")
    refresh_state(visit)


def _said(kind: str) -> str:
    """An event kind in words: exception details are read by coordinators and families, not programs."""
    return kind.replace("_", "-").replace("outcome-progress", "outcome progress").replace("task-done", "task done")


def _server_time(event: VisitEvent) -> datetime:
    """When the event happened by the server's clock, as best known: never later than its receipt.

    A flagged event's device time is first put right by the clock offset measured at its sync, if any.
    """
    at = event.device_time
    if "clock_skew" in event.flags and event.clock_offset_s is not None:
        at = corrected(at, event.clock_offset_s)
    return min(at, event.received_at)


def _note_position(event: VisitEvent, at: datetime) -> None:
    """The worker's last known position for the map and delay prediction, dated by the server's clock."""
    if event.lat is None:
        return
    worker = db.session.get(Worker, event.worker_id)
    if worker.last_seen_at is None or at >= worker.last_seen_at:
        worker.last_lat, worker.last_lon, worker.last_seen_at = event.lat, event.lon, at


def _keep_reasons(visit: Visit, event: VisitEvent) -> None:
    """A check-out's reasons for unticked tasks and a short visit; a later check-out by the same carer replaces them."""
    given = [{"about": ReasonKind.TASK, "task": r["task"], "code": r["reason"], "note": r.get("note"),
              "worker_id": event.worker_id} for r in event.payload.get("task_reasons", ())]
    if event.payload.get("short_reason"):
        given.append({"about": ReasonKind.SHORT, "code": None, "note": event.payload["short_reason"],
                      "worker_id": event.worker_id})
    if given:
        replaced = {(r["about"], r.get("task")) for r in given}
        visit.reasons = [r for r in visit.reasons or () if r.get("worker_id") != event.worker_id
                         or (r["about"], r.get("task")) not in replaced] + given


def judge(visit: Visit) -> None:
    """The visit's flags from its carers' times, its ticked tasks and its contract's thresholds."""
    carers = visit.active_assignments or visit.assignments
    came = [a for a in carers if a.checked_in_at is not None]
    # Judged as ended once everyone who came has left: a double-up whose second carer never comes is
    # understaffed, though its status waits for that carer.
    ended = max(a.checked_out_at for a in came) if came and all(a.checked_out_at for a in came) else None
    done = frozenset()
    if ended is not None and visit.tasks:  # only an ended visit can have tasks left undone
        done = looked_up.tasks_done(visit.id)
        if done is None:
            done = frozenset(p.get("task") for p in db.session.scalars(select(VisitEvent.payload).where(
                VisitEvent.visit_id == visit.id, VisitEvent.kind == "task_done")))
    c = visit.contract
    visit.flags = flags_for(
        VisitTimes(visit.planned_start, visit.planned_minutes, visit.carers_required or 1, visit.started_at,
                   visit.ended_at or ended, tuple(CarerTimes(a.checked_in_at, a.checked_out_at, a.check_in_geofence,
                                                    a.check_out_geofence, a.manual) for a in carers),
                   tuple(visit.tasks or ()), done, "clock_skew" in (visit.flags or ()),
                   ended is not None and c.require_client_confirmation and not confirmation.confirmed(visit.id)),
        Thresholds(c.early_minutes, c.late_minutes, c.short_percent, c.overrun_minutes))


def refresh_state(visit: Visit) -> None:
    """Status, punctuality, effective times and flags from the carers' times."""
    carers = visit.active_assignments or visit.assignments
    check_ins = [a.checked_in_at for a in carers if a.checked_in_at]
    check_outs = [a.checked_out_at for a in carers if a.checked_out_at]
    visit.started_at = min(check_ins) if check_ins else None
    visit.ended_at = max(check_outs) if len(check_outs) == len(carers) and carers else None
    visit.punctuality = punctuality(visit) if visit.started_at else None
    judge(visit)
    if visit.status == VisitStatus.CANCELLED:
        return
    if visit.ended_at is not None:
        completing, visit.status = visit.status != VisitStatus.COMPLETED, VisitStatus.COMPLETED
        if completing:
            completed.send(visit, now=utcnow())
    elif check_ins or check_outs:
        visit.status = VisitStatus.IN_PROGRESS


def cancel(visit: Visit, reason: str, now: datetime) -> None:
    """Nobody is coming by design: whatever alerts the visit had are closed with it."""
    visit.status, visit.cancel_reason = VisitStatus.CANCELLED, reason
    cancelled.send(visit, now=now)


def punctuality(visit: Visit) -> str:
    """From the first check-in against planned start; a check-in exactly on a threshold is on time."""
    contract = visit.contract
    if visit.started_at < visit.planned_start - timedelta(minutes=contract.early_minutes):
        return "early"
    if visit.started_at > visit.planned_start + timedelta(minutes=contract.late_minutes):
        return "late"
    return "on_time"


def open_exception(visit: Visit, kind: str, now: datetime, *, worker_id: int | None = None,
                    detail: str | None = None) -> VisitException:
    """One open exception per visit, carer and kind: repeats do not pile up."""
    if kind == "clock_skew" and "clock_skew" not in (visit.flags or ()):
        # However the wrong clock was found, the visit says so; judge() keeps the flag from then on.
        visit.flags = [*(visit.flags or ()), "clock_skew"]
    open_one = _find_open(visit, kind, worker_id)
    if open_one is not None:
        return open_one
    exc = VisitException(visit_id=visit.id, worker_id=worker_id, kind=kind, detail=detail, raised_at=now)
    db.session.add(exc)
    visit.open_exceptions.append(exc)  # inserted with the next flush, as the visit's own changes are
    return exc


def close_exception(visit: Visit, kind: str, now: datetime, *, worker_id: int | None, resolution: str) -> None:
    exc = _find_open(visit, kind, worker_id)
    if exc is not None:
        exc.resolved_at, exc.resolution = now, resolution


def _find_open(visit: Visit, kind: str, worker_id: int | None) -> VisitException | None:
    return next((e for e in still_open(visit) if e.kind == kind and e.worker_id == worker_id), None)


def still_open(visit: Visit) -> list[VisitException]:
    """The visit's open exceptions as this session has them: those loaded with it (or read now, once), less any
    closed since, and less any opened by a sync item that was rolled back, which has left the session."""
    return [e for e in visit.open_exceptions if e.resolved_at is None and e in db.session]
