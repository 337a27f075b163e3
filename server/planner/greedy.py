"""The greedy nearest-next plan: the solver's starting point, its fallback, and the benchmark's baseline.

Every carer's run is built forward in time, all runs together: the carer free soonest takes the
visit they can start soonest (travel plus waiting), never breaking a window, a break, the end of
their day or a kept assignment still ahead of them. A double-up is taken only when partners can
start it at the same minute.
"""
from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

from server.planner.problem import (
    Problem,
    Shift,
    Solution,
    Stop,
    arrival,
    clear_of_breaks,
)


@dataclass
class _Run:
    shift: Shift
    time: int
    last: Stop | None
    fixed: list[Stop]
    route: list[tuple[int, int]]

    def start_for(self, problem: Problem, stop: Stop, at_least: int | None = None) -> int | None:
        """The earliest start of the stop next on this run (not before at_least), or None if it cannot be."""
        travel = problem.minutes(self.shift, self.last, stop) if self.last else 0
        start = max(arrival(self.shift, self.time, travel), stop.earliest, at_least or 0)
        start = clear_of_breaks(self.shift, start, stop.minutes)
        if start > stop.latest or start + stop.minutes > self.shift.end:
            return None
        if at_least is not None and start != at_least:
            return None
        if self.fixed:
            ahead = self.fixed[0]
            if arrival(self.shift, start + stop.minutes, problem.minutes(self.shift, stop, ahead)) > ahead.planned:
                return None
        return start

    def take(self, stop: Stop, start: int) -> None:
        self.route.append((stop.key, start))
        self.time, self.last = start + stop.minutes, stop

    def take_fixed(self) -> None:
        stop = self.fixed.pop(0)
        self.take(stop, stop.planned)


def greedy(problem: Problem) -> Solution:
    began = time.monotonic()
    runs = [_Run(shift, shift.start, None, [], []) for shift in problem.shifts]
    for stop in sorted(problem.stops, key=lambda s: s.planned):
        if stop.fixed_worker is not None:
            for run in runs:
                if run.shift.worker_id == stop.fixed_worker:
                    run.fixed.append(stop)
    open_stops = {s.key: s for s in problem.stops if s.fixed_worker is None}
    allowed = [{k for k, s in open_stops.items() if problem.may_serve(run.shift, s)} for run in runs]
    siblings = problem.visits()
    heap = [(run.time, i) for i, run in enumerate(runs)]
    heapq.heapify(heap)
    while heap:
        at, i = heapq.heappop(heap)
        run = runs[i]
        if at != run.time:
            continue  # taken as a partner meanwhile: its newer entry stands
        moved = _extend(problem, runs, i, open_stops, allowed, siblings)
        if not moved and run.fixed:
            run.take_fixed()
            moved = [i]
        for j in moved:
            heapq.heappush(heap, (runs[j].time, j))
    return Solution(routes=[run.route for run in runs], solver="greedy", seconds=time.monotonic() - began)


def _extend(problem, runs, i, open_stops, allowed, siblings) -> list[int]:
    """Give run i its soonest next visit (with partners for a double-up): the runs that moved, none if none fits."""
    run = runs[i]
    options = []
    for key in allowed[i] & open_stops.keys():
        stop = open_stops[key]
        start = run.start_for(problem, stop)
        if start is not None:
            travel = problem.minutes(run.shift, run.last, stop) if run.last else 0
            options.append((start, travel, key))
    for start, _, key in sorted(options):
        stop = open_stops[key]
        team = _team(problem, runs, i, stop, start, open_stops, allowed, siblings[stop.visit_id])
        if team is None:
            continue
        common = max(s for _, _, s in team)
        for j, member, _ in team:
            runs[j].take(member, common)
            del open_stops[member.key]
        return [j for j, _, _ in team]
    return []


def _team(problem, runs, i, stop, start, open_stops, allowed, stops):
    """Runs for each of the visit's places, all able to start at one minute; None when there are too few."""
    team = [(i, stop, start)]
    others = [s for s in stops if s.key != stop.key]
    if not others:
        return team
    if any(s.key not in open_stops for s in others):
        return None
    for other in others:
        used = {runs[j].shift.worker_id for j, _, _ in team}
        best = None
        for j, candidate in enumerate(runs):
            if candidate.shift.worker_id in used or other.key not in allowed[j]:
                continue
            at = candidate.start_for(problem, other)
            if at is not None and (best is None or at < best[2]):
                best = (j, other, at)
        if best is None:
            return None
        team.append(best)
    common = max(at for _, _, at in team)
    if any(runs[j].start_for(problem, member, at_least=common) is None for j, member, _ in team):
        return None
    return team
