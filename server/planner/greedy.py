"""The greedy nearest-feasible-carer plan: the benchmark's baseline and the solver's floor; runs built forward.

Visits are taken in order of planned start, and each goes to the nearest carer who can take it next on
their run: the least travel from their last visit (a carer yet to start is at no distance), the soonest
able to start it among equally near ones. Taking it must break no window, break, end of the carer's day
or kept assignment still ahead of them; a double-up goes to the nearest carers able to start it at one
minute. A visit no carer can take stays unserved. The runs built forward in time, kept assignments in
place, serve rolling.py too.
"""
from __future__ import annotations

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
class Run:
    """One carer's run as it is built forward in time, with the kept visits still ahead of it."""
    shift: Shift
    time: int
    last: Stop | None
    fixed: list[Stop]
    route: list[tuple[int, int]]

    def start_for(self, problem: Problem, stop: Stop, at_least: int | None = None) -> int | None:
        """The earliest start of the stop next on this run (not before at_least), or None if it cannot be."""
        start = max(arrival(self.shift, self.time, self.travel_to(problem, stop)), stop.earliest, at_least or 0)
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

    def travel_to(self, problem: Problem, stop: Stop) -> int:
        """Minutes from the run's last visit; a carer yet to start is at no distance."""
        return problem.minutes(self.shift, self.last, stop) if self.last else 0

    def take(self, stop: Stop, start: int) -> None:
        self.route.append((stop.key, start))
        self.time, self.last = start + stop.minutes, stop

    def take_kept(self, until: int) -> None:
        """Take the kept visits planned up to `until`."""
        while self.fixed and self.fixed[0].planned <= until:
            stop = self.fixed.pop(0)
            self.take(stop, stop.planned)


def empty_runs(problem: Problem) -> list[Run]:
    runs = [Run(shift, shift.start, None, [], []) for shift in problem.shifts]
    for stop in sorted(problem.stops, key=lambda s: s.planned):
        if stop.fixed_worker is not None:
            for run in runs:
                if run.shift.worker_id == stop.fixed_worker:
                    run.fixed.append(stop)
    return runs


def open_visits(problem: Problem) -> list[list[Stop]]:
    """The visits to plan (each as its stops), in order of planned start."""
    visits = [stops for stops in problem.visits().values() if stops[0].fixed_worker is None]
    return sorted(visits, key=lambda stops: (stops[0].planned, stops[0].visit_id))


def finished(runs: list[Run], solver: str, began: float) -> Solution:
    for run in runs:
        run.take_kept(until=max((s.planned for s in run.fixed), default=0))
    return Solution(routes=[run.route for run in runs], solver=solver, seconds=time.monotonic() - began)


def greedy(problem: Problem) -> Solution:
    began = time.monotonic()
    runs = empty_runs(problem)
    for stops in open_visits(problem):
        for run in runs:
            run.take_kept(until=stops[0].planned)
        for run, stop, start in nearest_team(problem, runs, stops) or ():
            run.take(stop, start)
    return finished(runs, "greedy", began)


def nearest_team(problem: Problem, runs: list[Run], stops: list[Stop]) -> list | None:
    """(run, stop, start) for each of the visit's places, nearest carers first; None when too few can take it."""
    first = stops[0]
    options = []
    for i, run in enumerate(runs):
        if problem.may_serve(run.shift, first) and (start := run.start_for(problem, first)) is not None:
            options.append((run.travel_to(problem, first), start, i))
    team: list[tuple[Run, int]] = []
    for _, start, i in sorted(options):
        if runs[i].shift.worker_id in {run.shift.worker_id for run, _ in team}:
            continue
        common = max([start, *(at for _, at in team)])
        if all(run.start_for(problem, first, at_least=common) is not None for run, _ in [*team, (runs[i], start)]):
            team = [(run, common) for run, _ in team] + [(runs[i], common)]
            if len(team) == len(stops):
                return [(run, stop, at) for (run, at), stop in zip(team, stops)]
    return None
