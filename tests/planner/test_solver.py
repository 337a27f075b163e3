"""The planner's answers keep every hard rule (checked on the output), on made-up days and on cases by hand."""
from __future__ import annotations

import dataclasses

import pytest

from server.planner.checks import violations
from server.planner.greedy import greedy
from server.planner.problem import Problem, Shift, Solution, Stop, arrival
from server.planner.solver import solve
from tests.planner.instances import day_problem

TRAVEL = {"car": [[0, 10, 20], [10, 0, 12], [20, 12, 0]]}


def stop(key, place, planned, minutes=30, flex=15, visit_id=None, **rules):
    return Stop(key=key, visit_id=key + 1 if visit_id is None else visit_id, copy=0, place=place, planned=planned,
                earliest=planned - flex, latest=planned + flex, minutes=minutes, **rules)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_made_up_days_keep_every_rule_and_travel_no_more_than_greedy(seed):
    problem = day_problem(40, 5, seed=seed)
    first, best = greedy(problem), solve(problem, time_limit_s=1)
    assert violations(problem, first) == []
    assert violations(problem, best) == []
    assert len(best.served()) >= len(first.served())
    if len(best.served()) == len(first.served()):
        assert best.travel_minutes(problem) <= first.travel_minutes(problem)


def test_a_double_up_is_served_by_two_carers_arriving_together():
    pair = [dataclasses.replace(stop(k, 0, 480, visit_id=7), copy=k) for k in (0, 1)]
    # One of the pair first has a 30-minute visit a 20-minute drive away, so both start 50 minutes after it.
    problem = Problem(stops=[*pair, stop(2, 2, 435, visit_id=8)],
                      shifts=[Shift(1, 420, 900), Shift(2, 420, 900)], travel=TRAVEL)
    solution = solve(problem, time_limit_s=1)
    assert violations(problem, solution) == []
    served = solution.served()
    assert served[0][1] == served[1][1] and served[0][0] != served[1][0]
    assert {problem.shifts[served[k][0]].worker_id for k in (0, 1)} == {1, 2}
    assert len(served) == 3 and served[0][1] >= served[2][1] + 30 + 20


def test_a_double_up_with_one_carer_working_is_left_out_whole():
    pair = [dataclasses.replace(stop(k, 0, 480, visit_id=7), copy=k) for k in (0, 1)]
    problem = Problem(stops=pair, shifts=[Shift(1, 420, 900)], travel=TRAVEL)
    for solution in (greedy(problem), solve(problem, time_limit_s=1)):
        assert solution.served() == {}


def test_breaks_skills_gender_refusals_and_hours_are_kept():
    stops = [stop(0, 0, 720, minutes=30, flex=0),                      # at 12:00: Ann's break
             stop(1, 1, 600, skills=frozenset({"hoist"})),              # only Ann has the hoist skill
             stop(2, 2, 540, gender="female"),                          # only Ann is female
             stop(3, 1, 800, excluded=frozenset({1})),                  # refuses Ann
             stop(4, 2, 1000)]                                          # after everyone's day
    shifts = [Shift(1, 420, 900, breaks=((710, 750),), skills=frozenset({"hoist"}), gender="female"),
              Shift(2, 420, 900, gender="male")]
    problem = Problem(stops=stops, shifts=shifts, travel=TRAVEL)
    for solution in (greedy(problem), solve(problem, time_limit_s=1)):
        assert violations(problem, solution) == []
        served = {key: problem.shifts[s].worker_id for key, (s, _) in solution.served().items()}
        assert served == {0: 2, 1: 1, 2: 1, 3: 2}


def test_a_kept_assignment_stays_and_the_run_works_around_it():
    kept = stop(0, 0, 540, fixed_worker=1)
    problem = Problem(stops=[kept, stop(1, 2, 555, flex=5), stop(2, 1, 600)], shifts=[Shift(1, 420, 900)],
                      travel=TRAVEL)
    for solution in (greedy(problem), solve(problem, time_limit_s=1)):
        assert violations(problem, solution) == []
        assert solution.served()[0] == (0, 540)
        assert 1 not in solution.served()  # 09:00 + 30 min + 20 min drive is past 09:20
        assert solution.served()[2][1] >= 540 + 30 + 10


def test_visits_keep_their_planned_times_unless_moving_them_helps():
    problem = Problem(stops=[stop(0, 0, 480), stop(1, 1, 600), stop(2, 2, 515)], shifts=[Shift(1, 420, 900)],
                      travel=TRAVEL)
    served = solve(problem, time_limit_s=1).served()
    # 08:00 and 10:00 stay; 08:35 (30-minute visit at 08:00 plus a 20-minute drive) moves to 08:50.
    assert [served[k][1] for k in (0, 1, 2)] == [480, 600, 530]


def test_travel_does_not_run_through_a_break():
    shift = Shift(1, 420, 900, breaks=((600, 630),))
    assert arrival(shift, 590, 20) == 650
    assert arrival(shift, 560, 20) == 580


@pytest.mark.parametrize("broken, rule", [
    (lambda p: [[(0, 500)], []], "outside its window"),
    (lambda p: [[(0, 480), (1, 490)], []], "no time to travel"),
    (lambda p: [[(2, 480)], []], "may not serve"),
    (lambda p: [[(0, 480)], [(0, 480)]], "served twice"),
    (lambda p: [[(3, 480)], [(4, 485)]], "different times"),
    (lambda p: [[(3, 480)], []], "1 of 2 carers"),
    (lambda p: [[(0, 705)], []], "outside carer 1's working hours"),
])
def test_the_checks_catch_each_broken_rule(broken, rule):
    stops = [stop(0, 0, 480), stop(1, 1, 480), stop(2, 0, 480, gender="male"),
             dataclasses.replace(stop(3, 2, 480, visit_id=9), copy=0),
             dataclasses.replace(stop(4, 2, 480, visit_id=9), copy=1)]
    problem = Problem(stops=stops, shifts=[Shift(1, 420, 720, gender="female"), Shift(2, 420, 720)], travel=TRAVEL)
    if rule.startswith("outside carer"):
        problem.stops[0] = dataclasses.replace(stops[0], planned=705, earliest=690, latest=720)
    found = violations(problem, Solution(routes=broken(problem)))
    assert any(rule in text for text in found), found
