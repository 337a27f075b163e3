"""Start times on runs already in order: each visit moved as near its planned start as its run allows.

The search and the first plans start every visit as soon as it can be, up to the window's 15 minutes
before its planned time. Taking each run's visits in order, a visit moves to its planned minute, or
to the latest minute short of it that still lets the rest of the run be done in order; the visits
after it are then timed from there. A double-up's places and kept visits keep their minute, since
another run or the coordinator holds it. Nothing here changes who serves what or the travel.
"""
from __future__ import annotations

from server.planner.checks import breaches
from server.planner.problem import Problem, Shift, Solution, Stop, arrival, clear_of_breaks


def retime(problem: Problem, solution: Solution) -> Solution:
    """The solution with each run re-timed; the solution as it was if re-timing would break a rule."""
    pinned = {stop.key for stops in problem.visits().values() if len(stops) > 1 for stop in stops}
    pinned |= {stop.key for stop in problem.stops if stop.fixed_worker is not None}
    routes = [_run_times(problem, problem.shifts[s], route, pinned) for s, route in enumerate(solution.routes)]
    timed = Solution(routes=routes, solver=solution.solver, notes=solution.notes)
    return solution if breaches(problem, timed) else timed


def _run_times(problem: Problem, shift: Shift, route: list[tuple[int, int]], pinned: set[int]) -> list:
    stops = [problem.stops[key] for key, _ in route]
    starts = [start for _, start in route]
    for i, stop in enumerate(stops):
        if stop.key in pinned or starts[i] >= stop.planned:
            continue
        low, high = starts[i], stop.planned  # low fits (the run as it was); find the latest that does
        while low < high:
            middle = (low + high + 1) // 2
            if _rest_fits(problem, shift, stops[i:], middle, starts[i + 1:], pinned):
                low = middle
            else:
                high = middle - 1
        starts[i:] = _rest_times(problem, shift, stops[i:], low, starts[i + 1:], pinned) or starts[i:]
    return [(stop.key, start) for stop, start in zip(stops, starts)]


def _rest_fits(problem, shift, stops, first, later, pinned) -> bool:
    return _rest_times(problem, shift, stops, first, later, pinned) is not None


def _rest_times(problem: Problem, shift: Shift, stops: list[Stop], first: int, later: list[int],
                pinned: set[int]) -> list[int] | None:
    """Starts for stops[0] at `first` (or the first minute clear of a break) and each next one as soon as it can
    be; pinned ones at their minute (`later`). None when a window, the day's end or a pinned minute is missed."""
    starts = []
    for i, stop in enumerate(stops):
        if i == 0:
            start = clear_of_breaks(shift, first, stop.minutes)
        else:
            previous = stops[i - 1]
            travel = problem.minutes(shift, previous, stop)
            start = clear_of_breaks(shift, max(arrival(shift, starts[-1] + previous.minutes, travel), stop.earliest),
                                    stop.minutes)
            if stop.key in pinned:
                if start > later[i - 1]:
                    return None
                start = later[i - 1]
        if start > stop.latest or start + stop.minutes > shift.end:
            return None
        starts.append(start)
    return starts
