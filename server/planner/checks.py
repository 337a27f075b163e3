"""Every hard rule of a plan, checked on its output: the planner's own safety net and the tests' oracle.

A plan breaking none of these may still be a poor one; a plan breaking any is never published.
"""
from __future__ import annotations

from itertools import pairwise

from server.planner.problem import Problem, Solution, break_minutes, overlap

# A rule broken: what, and the visits concerned.
Breach = tuple[str, frozenset]


def violations(problem: Problem, solution: Solution) -> list[str]:
    return [text for text, _ in breaches(problem, solution)]


def breaches(problem: Problem, solution: Solution) -> list[Breach]:
    found: list[Breach] = []
    seen: dict[int, tuple[int, int]] = {}

    def visit(*keys):
        return frozenset(problem.stops[k].visit_id for k in keys)

    for s, route in enumerate(solution.routes):
        shift = problem.shifts[s]
        for key, start in route:
            if key in seen:
                found.append((f"stop {key} is served twice", visit(key)))
            seen[key] = (s, start)
            found += [(text, visit(key)) for text in _stop_rules(problem, s, key, start)]
        ordered = sorted(route, key=lambda item: item[1])
        if ordered != route:
            found.append((f"shift {s}: stops are not in time order", visit(*(k for k, _ in route))))
        for (a, a_start), (b, b_start) in pairwise(ordered):
            stop_a, stop_b = problem.stops[a], problem.stops[b]
            free = b_start - (a_start + stop_a.minutes) - break_minutes(shift, a_start + stop_a.minutes, b_start)
            if free < problem.minutes(shift, stop_a, stop_b):
                found.append((f"shift {s}: no time to travel from stop {a} to stop {b}", visit(a, b)))
    found += _together(problem, seen)
    for stop in problem.stops:
        if stop.fixed_worker is not None and stop.key not in seen:
            found.append((f"stop {stop.key}: a kept assignment was dropped", visit(stop.key)))
    return found


def _stop_rules(problem: Problem, s: int, key: int, start: int) -> list[str]:
    shift, stop = problem.shifts[s], problem.stops[key]
    found = []
    if not problem.may_serve(shift, stop):
        found.append(f"stop {key}: carer {shift.worker_id} may not serve it (skills, gender, refusal or kept carer)")
    if stop.fixed_worker is not None:
        if start != stop.planned:
            found.append(f"stop {key}: a kept assignment was moved")
        return found
    if not stop.earliest <= start <= stop.latest:
        found.append(f"stop {key}: starts at {start}, outside its window {stop.earliest}-{stop.latest}")
    if start < shift.start or start + stop.minutes > shift.end:
        found.append(f"stop {key}: outside carer {shift.worker_id}'s working hours")
    if any(overlap(start, start + stop.minutes, b, e) for b, e in shift.breaks):
        found.append(f"stop {key}: during carer {shift.worker_id}'s break")
    return found


def _together(problem: Problem, seen: dict[int, tuple[int, int]]) -> list[Breach]:
    """A visit's carers all come, at the same minute, and they are different people."""
    found = []
    for visit_id, stops in problem.visits().items():
        served = [seen[stop.key] for stop in stops if stop.key in seen]
        if not served:
            continue
        if len(served) != len(stops):
            found.append((f"visit {visit_id}: {len(served)} of {len(stops)} carers", frozenset({visit_id})))
        if len({start for _, start in served}) > 1:
            found.append((f"visit {visit_id}: its carers start at different times", frozenset({visit_id})))
        if len({problem.shifts[s].worker_id for s, _ in served}) != len(served):
            found.append((f"visit {visit_id}: one carer holds two of its places", frozenset({visit_id})))
    return found
