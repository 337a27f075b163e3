"""The planner's one bridge to the database: a provider's day as a Problem, and a Solution as a plan to review.

A visit is planned when it is still scheduled, starts after now and is not fully staffed (or when
replan_assigned says to plan assigned ones too); every other visit of the day with carers keeps them
and takes their time. Each visit planned is fingerprinted, so publishing can refuse a plan whose visits
changed meanwhile.
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from server.directory.models import Worker
from server.extensions import db
from server.i18n import N_, _
from server.planner.problem import Problem, Shift, Solution, Stop
from server.timeutil import local_day_bounds, local_wall_time_to_utc
from server.travel import travel_model
from server.travel.osrm import osrm_matrix
from server.visits.models import Visit, VisitAssignment, VisitStatus

REASONS = {
    "no_skilled_carer": N_("No carer has the skills this client needs"),
    "no_carer_of_gender": N_("No carer of the gender this client asks for"),
    "all_carers_refused": N_("The client has refused every carer who could come"),
    "no_carer_working": N_("No suitable carer is working at this time"),
    "too_few_carers": N_("Too few suitable carers are working at this time for a double-up"),
    "runs_full": N_("No suitable carer has room in their run within the time window"),
}


def fingerprint(visit: Visit) -> str:
    """What the plan relied on: the visit's time, length, carers needed and had, and status."""
    workers = sorted(a.worker_id for a in visit.active_assignments)
    text = f"{visit.planned_start.isoformat()}|{visit.planned_minutes}|{visit.carers_required}|{visit.status}|{workers}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Day:
    """One local day's Problem and what its numbers stand for."""
    problem: Problem
    epoch: datetime
    visits: dict[int, Visit]
    workers: dict[int, Worker]
    planned_ids: set[int]


def build_day(provider_id: int, day: date, tz: str, settings: dict, now: datetime, replan: bool) -> Day:
    start, end = local_day_bounds(day, tz)
    visits = {v.id: v for v in db.session.scalars(select(Visit).where(
        Visit.provider_id == provider_id, Visit.planned_start >= start, Visit.planned_start < end,
        Visit.status != VisitStatus.CANCELLED).order_by(Visit.planned_start, Visit.id))}
    workers = {w.id: w for w in db.session.scalars(select(Worker).where(
        Worker.provider_id == provider_id, Worker.active.is_(True)).order_by(Worker.id))}
    shifts = [shift for w in workers.values() if (shift := _shift(w, day, tz, start, settings))]
    on_shift = {s.worker_id for s in shifts}
    known = _known_carers({v.client_id for v in visits.values()}, start, settings["plan_history_days"])
    places, place_of = [], {}
    stops: list[Stop] = []
    planned_ids = set()
    for visit in visits.values():
        carers = [a.worker_id for a in visit.active_assignments]
        planable = visit.status == VisitStatus.SCHEDULED and visit.planned_start >= now
        if planable and (replan or len(carers) < visit.carers_required):
            planned_ids.add(visit.id)
            carers = []
        elif not carers or not set(carers) <= on_shift:
            continue  # kept as it is, taking no planned carer's time
        place = place_of.setdefault(visit.client_id, len(places))
        if place == len(places):
            places.append((visit.client.lat, visit.client.lon))
        stops += _stops(visit, len(stops), place, _minutes(visit.planned_start, start), carers, known, settings)
    travel = _travel(places, {s.mode for s in shifts}, settings)
    problem = Problem(stops=stops, shifts=shifts, travel=travel, continuity_penalty=settings["plan_continuity_penalty"])
    return Day(problem=problem, epoch=start, visits=visits, workers=workers, planned_ids=planned_ids)


def _minutes(moment: datetime, epoch: datetime) -> int:
    return round((moment - epoch).total_seconds() / 60)


def _stops(visit, first_key, place, planned, carers, known, settings) -> list[Stop]:
    client, contract = visit.client, visit.contract
    flex = settings["plan_flex_minutes"] if contract.plan_flex_minutes is None else contract.plan_flex_minutes
    count = len(carers) if carers else max(1, visit.carers_required)
    return [Stop(key=first_key + copy, visit_id=visit.id, copy=copy, place=place, planned=planned,
                 earliest=planned - flex, latest=planned + flex, minutes=visit.planned_minutes,
                 skills=frozenset(client.required_skills or ()), gender=client.carer_gender,
                 excluded=frozenset(client.excluded_worker_ids or ()), known=known.get(client.id, frozenset()),
                 fixed_worker=carers[copy] if carers else None)
            for copy in range(count)]


def _shift(worker: Worker, day: date, tz: str, epoch: datetime, settings: dict) -> Shift | None:
    """The worker's hours on the local day, in minutes from its midnight; None when they do not work it."""
    if day.isoformat() in (worker.unavailable_dates or ()):
        return None
    if worker.working_hours is None:
        hours = {"start": settings["plan_day_start"], "end": settings["plan_day_end"], "breaks": []}
    else:
        hours = worker.working_hours.get(str(day.isoweekday()))
        if not hours:
            return None

    def at(hhmm: str) -> int:
        return _minutes(local_wall_time_to_utc(day, hhmm, tz), epoch)

    return Shift(worker_id=worker.id, start=at(hours["start"]), end=at(hours["end"]), mode=worker.travel_mode,
                 breaks=tuple((at(b), at(e)) for b, e in hours.get("breaks") or ()),
                 skills=frozenset(worker.skills or ()), gender=worker.gender)


def _known_carers(client_ids: set[int], before: datetime, days: int) -> dict[int, frozenset]:
    """Carers each client has had in the last `days` days."""
    rows = db.session.execute(select(Visit.client_id, VisitAssignment.worker_id).join(
        VisitAssignment, VisitAssignment.visit_id == Visit.id).where(
        Visit.client_id.in_(client_ids), Visit.planned_start >= before - timedelta(days=days),
        Visit.planned_start < before, VisitAssignment.removed_at.is_(None)).distinct()) if client_ids else []
    known = defaultdict(set)
    for client_id, worker_id in rows:
        known[client_id].add(worker_id)
    return {k: frozenset(v) for k, v in known.items()}


def _travel(places, modes, settings) -> dict[str, list[list[int]]]:
    """Whole minutes (rounded up) between the day's homes for each mode in use; the routing engine for cars if set."""
    model = travel_model(settings)
    travel = {}
    for mode in modes:
        seconds = osrm_matrix(places, settings) if mode == "car" and settings.get("travel_osrm_url") else None
        seconds = seconds or model.matrix(places, mode)
        travel[mode] = [[math.ceil(s / 60) for s in row] for row in seconds]
    return travel


def unassigned_reason(problem: Problem, visit_stops: list[Stop]) -> str:
    """Why a visit was left out, from the first rule that no carer passes."""
    stop = visit_stops[0]
    shifts = problem.shifts
    if not [s for s in shifts if stop.skills <= s.skills]:
        return "no_skilled_carer"
    if stop.gender and not [s for s in shifts if stop.skills <= s.skills and s.gender == stop.gender]:
        return "no_carer_of_gender"
    suitable = [s for s in shifts if problem.may_serve(s, stop)]
    if not suitable:
        return "all_carers_refused"
    working = {s.worker_id for s in suitable if s.start <= stop.latest and stop.earliest + stop.minutes <= s.end}
    if not working:
        return "no_carer_working"
    if len(working) < len(visit_stops):
        return "too_few_carers"
    return "runs_full"


def result(day: Day, solution: Solution) -> dict:
    """The plan as the coordinator reviews it: assignments, each carer's run, and what was left out and why."""
    problem, epoch = day.problem, day.epoch
    served = solution.served()

    def at(minute):
        return (epoch + timedelta(minutes=minute)).isoformat()

    assignments, unassigned = [], []
    for visit_id, stops in problem.visits().items():
        if visit_id not in day.planned_ids:
            continue
        visit = day.visits[visit_id]
        if stops[0].key in served:
            start = served[stops[0].key][1]
            assignments.append({
                "visit_id": visit_id, "client_name": visit.client.name, "start": at(start),
                "planned_start": visit.planned_start.isoformat(), "moved_minutes": start - stops[0].planned,
                "worker_ids": [problem.shifts[served[s.key][0]].worker_id for s in stops]})
        else:
            reason = unassigned_reason(problem, stops)
            unassigned.append({"visit_id": visit_id, "client_name": visit.client.name,
                               "planned_start": visit.planned_start.isoformat(), "carers_required": len(stops),
                               "reason": reason, "message": _(REASONS[reason])})
    runs = [_run(day, solution, s, at) for s in range(len(problem.shifts)) if solution.routes[s]]
    return {"assignments": assignments, "unassigned": unassigned, "runs": runs,
            "fingerprints": {str(v): fingerprint(day.visits[v]) for v in sorted(day.planned_ids)},
            "travel_minutes": solution.travel_minutes(problem), "solver": solution.solver,
            "seconds": round(solution.seconds, 2), "notes": solution.notes}


def _run(day: Day, solution: Solution, s: int, at) -> dict:
    problem = day.problem
    shift = problem.shifts[s]
    stops, previous = [], None
    for key, start in solution.routes[s]:
        stop = problem.stops[key]
        visit = day.visits[stop.visit_id]
        stops.append({"visit_id": stop.visit_id, "client_name": visit.client.name, "start": at(start),
                      "end": at(start + stop.minutes), "kept": stop.fixed_worker is not None,
                      "travel_minutes": problem.minutes(shift, previous, stop) if previous else 0})
        previous = stop
    return {"worker_id": shift.worker_id, "worker_name": day.workers[shift.worker_id].name,
            "date": at(shift.start)[:10], "travel_mode": shift.mode,
            "shift_start": at(shift.start), "shift_end": at(shift.end),
            "travel_minutes": solution.route_travel(problem, s),
            "visit_minutes": sum(problem.stops[k].minutes for k, _ in solution.routes[s]), "stops": stops}
