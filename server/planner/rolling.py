"""The rolling-horizon plan: the solver's starting point, with far less travel than the greedy plan.

The day is cut into half-hour slots. In each, the one-carer visits starting in it and in the next slot
are matched to carers all at once (a linear assignment), each carer to at most one visit, for the least
total travel and as many of this slot's visits as can be; only this slot's matches are kept, and the
matching repeats until none of its visits can be added. Looking a slot ahead keeps a carer for a visit
soon after that they are nearest to, which a visit-by-visit greedy gives away. Every match is one that
greedy.py's runs allow next, so no hard rule is broken; double-ups go to the nearest carers as in greedy.
"""
from __future__ import annotations

import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from server.planner.greedy import Run, empty_runs, finished, nearest_team, open_visits
from server.planner.problem import Problem, Solution, Stop

SLOT_MINUTES = 30
AHEAD_MINUTES = 30
# Matching a visit of the next slot costs this many minutes more than its travel: a carer is kept for it
# only when they are that much nearer to it than to a visit of this slot.
AHEAD_COST = 5
# The cost of a match the runs do not allow: above any number of real matches, so the most visits are matched.
NO_MATCH = 10**9


def rolling(problem: Problem) -> Solution:
    began = time.monotonic()
    runs = empty_runs(problem)
    waiting = open_visits(problem)
    slot = waiting[0][0].planned if waiting else 0
    while waiting:
        for run in runs:
            run.take_kept(until=slot)
        now = [stops for stops in waiting if stops[0].planned < slot + SLOT_MINUTES]
        waiting = waiting[len(now):]
        for stops in now:
            if len(stops) > 1:
                for run, stop, start in nearest_team(problem, runs, stops) or ():
                    run.take(stop, start)
        ahead = [stops[0] for stops in waiting if stops[0].planned < slot + SLOT_MINUTES + AHEAD_MINUTES
                 and len(stops) == 1]
        _match(problem, runs, [stops[0] for stops in now if len(stops) == 1], ahead)
        slot += SLOT_MINUTES
    return finished(runs, "rolling", began)


def _match(problem: Problem, runs: list[Run], now: list[Stop], ahead: list[Stop]) -> None:
    """Give this slot's visits (`now`) to carers, a round of matches at a time, while a round adds any."""
    while now:
        stops = now + ahead
        cost = np.full((len(stops), len(runs)), NO_MATCH, dtype=np.int64)
        starts = {}
        for a, stop in enumerate(stops):
            for r, run in enumerate(runs):
                if problem.may_serve(run.shift, stop) and (start := run.start_for(problem, stop)) is not None:
                    cost[a, r] = run.travel_to(problem, stop) + (AHEAD_COST if a >= len(now) else 0)
                    starts[a, r] = start
        taken = set()
        for a, r in zip(*linear_sum_assignment(cost)):
            if a < len(now) and cost[a, r] < NO_MATCH:
                runs[r].take(stops[a], starts[a, r])
                taken.add(a)
        if not taken:
            return
        now = [stop for a, stop in enumerate(now) if a not in taken]
