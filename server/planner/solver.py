"""OR-Tools' vehicle routing solver on a Problem: each carer's shift a vehicle, each visit's place a node.

Time windows are the cumul ranges of one time dimension (visit minutes plus travel, by each carer's
mode); breaks are fixed intervals of the shift; skills, gender, refusals and kept assignments are
the vehicles allowed at a node; a double-up's places are tied to one start and to being served
together. Leaving a visit out costs far more than any travel, so the solver leaves one out only
when it cannot be fitted. It starts from the rolling-horizon plan (rolling.py), or the greedy one
when that serves more, and improves it by guided local search on travel alone until the time limit,
then moves visits back near their planned times on the routes found (timing.py); its answer is
checked (checks.py) and the starting plan kept if it fails or serves fewer visits.
"""
from __future__ import annotations

import logging
import time

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from server.planner.checks import breaches
from server.planner.greedy import greedy
from server.planner.problem import Problem, Solution, arrival, clear_of_breaks
from server.planner.rolling import rolling
from server.planner.timing import retime

log = logging.getLogger(__name__)
# Search time grows with the day, up to the time limit: a handful of visits needs a fraction of a second.
SECONDS_PER_STOP = 0.04
# Cost of leaving one carer's place at a visit unserved: more than any day's driving.
DROP_PENALTY = 1_000_000


def solve(problem: Problem, time_limit_s: float) -> Solution:
    began = time.monotonic()
    start = greedy(problem)
    if not problem.stops or not problem.shifts:
        return start
    start = retime(problem, max(rolling(problem), start, key=lambda plan: len(plan.served())))
    # The limit covers the whole answer: what the first plans and building the model take comes off the search.
    deadline = min(began + time_limit_s, time.monotonic() + SECONDS_PER_STOP * len(problem.stops))
    found = _Model(problem).solve(start, max(0.1, deadline - time.monotonic()))
    if found is None:
        start.notes.append(f"The solver found no plan; this is the {start.solver} plan")
        return start
    found = retime(problem, fill_gaps(problem, repair(problem, found)))
    found.seconds = time.monotonic() - began
    if (len(found.served()), -found.travel_minutes(problem)) < (len(start.served()), -start.travel_minutes(problem)):
        start.notes.append(f"The solver's plan served {len(found.served())} places, the {start.solver} plan "
                           f"{len(start.served())}; this is the {start.solver} plan")
        return start
    return found


def repair(problem: Problem, solution: Solution) -> Solution:
    """Take out of the plan each visit (all its places) that breaks a rule, until none does."""
    while found := breaches(problem, solution):
        bad = set().union(*(visits for _, visits in found))
        bad_keys = {stop.key for stop in problem.stops if stop.visit_id in bad and stop.fixed_worker is None}
        if not bad_keys:
            log.error("plan broke a rule it cannot repair: %s", found[0][0])
            return Solution(routes=[[] for _ in solution.routes], solver=solution.solver)
        solution.routes = [[(k, t) for k, t in route if k not in bad_keys] for route in solution.routes]
        solution.notes.append(f"{len(bad)} visits taken out by repair")
    return solution


def fill_gaps(problem: Problem, solution: Solution) -> Solution:
    """Put each unserved one-carer visit where a run has room for it, at the least added travel, earliest first."""
    served = solution.served()
    routes = [list(route) for route in solution.routes]
    waiting = [stops[0] for stops in problem.visits().values() if len(stops) == 1 and stops[0].key not in served]
    for stop in sorted(waiting, key=lambda s: s.planned):
        best = None
        for s, route in enumerate(routes):
            shift = problem.shifts[s]
            if problem.may_serve(shift, stop):
                for position in range(len(route) + 1):
                    option = _insertion(problem, shift, route, position, stop)
                    if option and (best is None or option[0] < best[0]):
                        best = (option[0], s, position, option[1])
        if best:
            _, s, position, start = best
            routes[s].insert(position, (stop.key, start))
    filled = Solution(routes=routes, solver=solution.solver, notes=solution.notes)
    return solution if breaches(problem, filled) else filled


def _insertion(problem: Problem, shift, route, position: int, stop) -> tuple[int, int] | None:
    """(added travel, start) of the stop put at this position of the run, or None if it does not fit."""
    before = problem.stops[route[position - 1][0]] if position else None
    after = problem.stops[route[position][0]] if position < len(route) else None
    leave = route[position - 1][1] + before.minutes if before else shift.start
    start = max(arrival(shift, leave, problem.minutes(shift, before, stop) if before else 0), stop.earliest)
    start = clear_of_breaks(shift, start, stop.minutes)
    if start > stop.latest or start + stop.minutes > shift.end:
        return None
    if after and arrival(shift, start + stop.minutes, problem.minutes(shift, stop, after)) > route[position][1]:
        return None
    added = (problem.minutes(shift, before, stop) if before else 0) + (
        problem.minutes(shift, stop, after) if after else 0
    )
    if before and after:
        added -= problem.minutes(shift, before, after)
    return added, start


class _Model:
    def __init__(self, problem: Problem):
        self.problem = problem
        stops, shifts = problem.stops, problem.shifts
        self.manager = pywrapcp.RoutingIndexManager(len(stops) + 1, len(shifts), 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.index = [self.manager.NodeToIndex(k + 1) for k in range(len(stops))]
        self._keep_alive = []  # Python callbacks must outlive the solve
        self.time = self._time_dimension()
        self._costs()
        self._stops()
        self._shifts()
        self._double_ups()

    def _node_matrix(self, mode: str, with_visit: bool) -> np.ndarray:
        """Node to node minutes (node 0 the open start and end of every run); with_visit adds the visit's time."""
        places = np.array([s.place for s in self.problem.stops], dtype=int)
        travel = np.asarray(self.problem.travel[mode], dtype=np.int64)[np.ix_(places, places)]
        matrix = np.zeros((len(places) + 1, len(places) + 1), dtype=np.int64)
        matrix[1:, 1:] = travel
        if with_visit:
            matrix[1:, :] += np.array([s.minutes for s in self.problem.stops], dtype=np.int64)[:, None]
        return matrix

    def _time_dimension(self):
        modes = sorted({shift.mode for shift in self.problem.shifts})
        transit = {m: self.routing.RegisterTransitMatrix(self._node_matrix(m, True).tolist()) for m in modes}
        horizon = max(max(s.end for s in self.problem.shifts), max(s.latest + s.minutes for s in self.problem.stops))
        self.routing.AddDimensionWithVehicleTransits(
            [transit[shift.mode] for shift in self.problem.shifts], horizon, horizon + 1, False, "time")
        return self.routing.GetDimensionOrDie("time")

    def _costs(self):
        """Travel minutes, plus the continuity penalty on arriving at a client who knows other carers."""
        travel = {m: self._node_matrix(m, False) for m in {s.mode for s in self.problem.shifts}}
        classes: dict[tuple, int] = {}
        for v, shift in enumerate(self.problem.shifts):
            penalty = tuple(self.problem.continuity_cost(shift, stop) for stop in self.problem.stops)
            signature = (shift.mode, penalty if any(penalty) else None)
            if signature not in classes:
                classes[signature] = self._cost_callback(travel[shift.mode], penalty if any(penalty) else None)
            self.routing.SetArcCostEvaluatorOfVehicle(classes[signature], v)

    def _cost_callback(self, travel: np.ndarray, penalty) -> int:
        if penalty is None:
            return self.routing.RegisterTransitMatrix(travel.tolist())
        rows, extra, node = travel.tolist(), (0, *penalty), self.manager.IndexToNode

        def cost(from_index, to_index):
            to = node(to_index)
            return rows[node(from_index)][to] + extra[to]

        self._keep_alive.append(cost)
        return self.routing.RegisterTransitCallback(cost)

    def _stops(self):
        problem = self.problem
        for stop, index in zip(problem.stops, self.index):
            allowed = [v for v, shift in enumerate(problem.shifts) if problem.may_serve(shift, stop)]
            # The vehicle variable's domain, -1 being "not served" (SetAllowedVehiclesForIndex reads an empty list
            # as "any vehicle").
            self.routing.VehicleVar(index).SetValues(allowed if stop.fixed_worker else [-1, *allowed])
            if stop.fixed_worker is None:
                self.time.CumulVar(index).SetRange(stop.earliest, stop.latest)
                self.routing.AddDisjunction([index], DROP_PENALTY)
            else:
                self.time.CumulVar(index).SetRange(stop.planned, stop.planned)

    def _shifts(self):
        """Working hours bound each run; on a carer with a break, each visit ends before it or starts after it.

        (OR-Tools' own break intervals left every visit unserved on days of many runs, and would not take the
        greedy plan as a start, so breaks are kept as these choices.)"""
        longest = {mode: self._node_matrix(mode, False).max(axis=1) for mode in {s.mode for s in self.problem.shifts}}
        for v, shift in enumerate(self.problem.shifts):
            self.time.CumulVar(self.routing.Start(v)).SetRange(shift.start, shift.end)
            self.time.CumulVar(self.routing.End(v)).SetRange(shift.start, shift.end)
            for b_start, b_end in shift.breaks:
                for stop, index in zip(self.problem.stops, self.index):
                    # A visit starting after the break, or ending early enough to make any journey before it,
                    # cannot meet it: leaving those out keeps the search quick.
                    near = stop.latest + stop.minutes + longest[shift.mode][stop.key + 1] > b_start
                    if near and stop.earliest < b_end and self.problem.may_serve(shift, stop):
                        self._clear_of_break(v, stop, index, b_start, b_end)

    def _clear_of_break(self, v: int, stop, index: int, b_start: int, b_end: int):
        """On carer v, the visit starts after the break, or it ends before it and so does the journey on.

        The journey on is clear of the break when the wait after it (the time dimension's slack) holds the
        whole break, or when the next visit too is before the break: checks.py's rule that the minutes between
        two visits hold the travel plus any break."""
        solver = self.routing.solver()
        cumul, slack = self.time.CumulVar(index), self.time.SlackVar(index)
        before = solver.IsLessOrEqualCstVar(cumul, b_start - stop.minutes)
        journey_clear = solver.Max(solver.IsGreaterOrEqualCstVar(slack, b_end - b_start),
                                   solver.IsLessOrEqualCstVar(cumul + self.time.TransitVar(index) + slack, b_start))
        solver.Add(solver.IsDifferentCstVar(self.routing.VehicleVar(index), v)
                   + solver.IsGreaterOrEqualCstVar(cumul, b_end)
                   + before * journey_clear >= 1)

    def _double_ups(self):
        solver = self.routing.solver()
        for stops in self.problem.visits().values():
            first = self.index[stops[0].key]
            for other in stops[1:]:
                index = self.index[other.key]
                solver.Add(self.time.CumulVar(first) == self.time.CumulVar(index))
                solver.Add(self.routing.ActiveVar(first) == self.routing.ActiveVar(index))

    def solve(self, start: Solution, time_limit_s: float) -> Solution | None:
        """The best plan guided local search finds from `start` (or, if OR-Tools cannot read it in, from nothing)."""
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        # Reading the first plan in runs under the limit the model was closed with (and may take all of
        # it): a tenth of the time for that, the rest for the search.
        params.time_limit.FromMilliseconds(max(50, int(time_limit_s * 100)))
        self.routing.CloseModelWithParameters(params)
        params.time_limit.FromMilliseconds(max(100, int(time_limit_s * 900)))
        initial = self.routing.ReadAssignmentFromRoutes(
            [[self.index[key] for key, _ in route] for route in start.routes], True)
        if initial is not None:
            found = self.routing.SolveFromAssignmentWithParameters(initial, params)
        else:
            found = self.routing.SolveWithParameters(params)
        return None if found is None else self._read(found)

    def _read(self, assignment) -> Solution:
        routes = []
        for v in range(len(self.problem.shifts)):
            route, index = [], assignment.Value(self.routing.NextVar(self.routing.Start(v)))
            while not self.routing.IsEnd(index):
                route.append((self.manager.IndexToNode(index) - 1, assignment.Min(self.time.CumulVar(index))))
                index = assignment.Value(self.routing.NextVar(index))
            routes.append(route)
        return Solution(routes=routes, solver="or-tools")
