"""Re-timing moves visits toward their planned starts as far as their run allows, and never breaks a rule."""
from __future__ import annotations

import dataclasses

from server.planner.checks import violations
from server.planner.problem import Problem, Shift, Solution, Stop
from server.planner.timing import retime

TRAVEL = {"car": [[0, 10, 20], [10, 0, 12], [20, 12, 0]]}


def stop(key, place, planned, visit_id=None, **rules):
    return Stop(key=key, visit_id=key + 1 if visit_id is None else visit_id, copy=0, place=place, planned=planned,
                earliest=planned - 15, latest=planned + 15, minutes=30, **rules)


def test_a_visit_started_early_moves_to_its_planned_start():
    problem = Problem(stops=[stop(0, 0, 480), stop(1, 1, 520)], shifts=[Shift(1, 420, 900)], travel=TRAVEL)
    timed = retime(problem, Solution(routes=[[(0, 465), (1, 505)]]))
    assert timed.routes == [[(0, 480), (1, 520)]]


def test_the_next_visits_window_holds_a_visit_back():
    # 08:00 + 30 minutes + 10 minutes' drive would start the 08:20 visit at 08:40, past its window (08:35):
    # the first moves only to 07:55, so the second starts at 08:35.
    problem = Problem(stops=[stop(0, 0, 480), stop(1, 1, 500)], shifts=[Shift(1, 420, 900)], travel=TRAVEL)
    timed = retime(problem, Solution(routes=[[(0, 465), (1, 505)]]))
    assert timed.routes == [[(0, 475), (1, 515)]]
    assert violations(problem, timed) == []


def test_a_double_up_and_a_kept_visit_keep_their_minutes():
    pair = [dataclasses.replace(stop(k, 0, 480, visit_id=7), copy=k) for k in (0, 1)]
    kept = stop(2, 1, 600, fixed_worker=2)
    problem = Problem(stops=[*pair, kept, stop(3, 2, 700)], shifts=[Shift(1, 420, 900), Shift(2, 420, 900)],
                      travel=TRAVEL)
    routes = [[(0, 470), (3, 685)], [(1, 470), (2, 600)]]
    timed = retime(problem, Solution(routes=routes))
    assert timed.routes == [[(0, 470), (3, 700)], [(1, 470), (2, 600)]]
    assert violations(problem, timed) == []
