"""One day's planning problem in plain numbers: stops, carers' shifts and travel minutes, with no database.

Times are whole minutes from the day's local midnight (taken as a UTC instant, so a day of 23 or 25
hours is measured as it is lived). A visit needing two carers is two stops at one place that must
start together with two different carers; a visit kept as assigned is a stop fixed to its carer and
time. planner/facts.py builds a Problem from the database; greedy.py and solver.py answer it with a
Solution, and checks.py says whether a Solution keeps every hard rule.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise


@dataclass(frozen=True)
class Stop:
    key: int  # its index in Problem.stops
    visit_id: int
    copy: int
    place: int
    planned: int
    earliest: int
    latest: int
    minutes: int
    skills: frozenset = frozenset()
    gender: str | None = None
    excluded: frozenset = frozenset()
    # Carers the client has had lately: any other costs the continuity penalty (when the set is not empty).
    known: frozenset = frozenset()
    # A visit kept as assigned: this carer, at its planned time.
    fixed_worker: int | None = None


@dataclass(frozen=True)
class Shift:
    worker_id: int
    start: int
    end: int
    mode: str = "car"
    breaks: tuple[tuple[int, int], ...] = ()
    skills: frozenset = frozenset()
    gender: str | None = None


@dataclass
class Problem:
    stops: list[Stop]
    shifts: list[Shift]
    # Whole minutes from place to place, per travel mode.
    travel: dict[str, list[list[int]]]
    continuity_penalty: int = 10

    def minutes(self, shift: Shift, a: Stop, b: Stop) -> int:
        return self.travel[shift.mode][a.place][b.place]

    def may_serve(self, shift: Shift, stop: Stop) -> bool:
        """The hard rules between a carer and a visit: the kept carer, skills, gender, the client's refusals."""
        if stop.fixed_worker is not None:
            return stop.fixed_worker == shift.worker_id
        return (stop.skills <= shift.skills and (stop.gender is None or stop.gender == shift.gender)
                and shift.worker_id not in stop.excluded)

    def visits(self) -> dict[int, list[Stop]]:
        """Each visit's stops, one per carer it needs."""
        grouped = defaultdict(list)
        for stop in self.stops:
            grouped[stop.visit_id].append(stop)
        return grouped

    def continuity_cost(self, shift: Shift, stop: Stop) -> int:
        return self.continuity_penalty if stop.known and shift.worker_id not in stop.known else 0


@dataclass
class Solution:
    # Per shift (index into Problem.shifts), its stops in order with their start minutes.
    routes: list[list[tuple[int, int]]]
    solver: str = "greedy"
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def travel_minutes(self, problem: Problem) -> int:
        return sum(self.route_travel(problem, s) for s in range(len(self.routes)))

    def route_travel(self, problem: Problem, shift_index: int) -> int:
        shift, route = problem.shifts[shift_index], self.routes[shift_index]
        return sum(problem.minutes(shift, problem.stops[a], problem.stops[b])
                   for (a, _), (b, _) in pairwise(route))

    def served(self) -> dict[int, tuple[int, int]]:
        """Stop key to (shift index, start)."""
        return {key: (s, start) for s, route in enumerate(self.routes) for key, start in route}


def overlap(a: int, b: int, c: int, d: int) -> int:
    """Minutes [a, b) and [c, d) share."""
    return max(0, min(b, d) - max(a, c))


def break_minutes(shift: Shift, begin: int, end: int) -> int:
    return sum(overlap(begin, end, s, e) for s, e in shift.breaks)


def arrival(shift: Shift, leave: int, travel: int) -> int:
    """When a carer leaving at `leave` arrives after `travel` minutes, setting off after a break it would cut."""
    t = leave
    for start, end in sorted(shift.breaks):
        if overlap(t, t + max(travel, 1), start, end):
            t = end
    return t + travel


def clear_of_breaks(shift: Shift, start: int, minutes: int) -> int:
    """The earliest start from `start` at which the visit overlaps none of the shift's breaks."""
    moved = True
    while moved:
        moved = False
        for b_start, b_end in shift.breaks:
            if overlap(start, start + minutes, b_start, b_end):
                start, moved = b_end, True
    return start
