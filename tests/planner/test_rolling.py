"""The rolling-horizon plan keeps every hard rule, and matches a slot's visits to carers as a whole."""
from __future__ import annotations

import pytest

from server.planner.checks import violations
from server.planner.greedy import greedy
from server.planner.problem import Problem, Shift, Stop
from server.planner.rolling import rolling
from tests.planner.instances import day_problem


def stop(key, place, planned, **rules):
    return Stop(key=key, visit_id=key + 1, copy=0, place=place, planned=planned, earliest=planned - 15,
                latest=planned + 15, minutes=30, **rules)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_made_up_days_keep_every_rule(seed):
    problem = day_problem(120, 8, seed=seed)
    assert violations(problem, rolling(problem)) == []


def test_a_slots_visits_go_where_their_travel_together_is_least():
    # Ann and Bob end kept 07:00 visits at homes 0 and 1. Home 2 at 08:00 is nearest Ann (5 minutes, Bob 8);
    # home 3 at 08:05 is 5 minutes from Ann but 30 from Bob. Visit by visit, Ann takes home 2 and Bob drives
    # 30 minutes (Ann cannot do both); matched together, Bob takes home 2 and Ann home 3: 13 minutes.
    travel = {"car": [[0, 40, 5, 5], [40, 0, 8, 30], [5, 8, 0, 10], [5, 30, 10, 0]]}
    stops = [stop(0, 0, 420, fixed_worker=1), stop(1, 1, 420, fixed_worker=2), stop(2, 2, 480), stop(3, 3, 485)]
    problem = Problem(stops=stops, shifts=[Shift(1, 420, 900), Shift(2, 420, 900)], travel=travel)
    first, matched = greedy(problem), rolling(problem)
    assert violations(problem, matched) == []
    assert first.travel_minutes(problem) == 35
    assert matched.travel_minutes(problem) == 13
    assert {key: problem.shifts[s].worker_id for key, (s, _) in matched.served().items()} == {0: 1, 1: 2, 2: 2, 3: 1}
