"""Made-up planning problems around Kendal, of any size, reproducible from a seed."""
from __future__ import annotations

import random

from server.config import load_settings
from server.planner.problem import Problem, Shift, Stop
from server.travel import travel_model

KENDAL = (54.3280, -2.7460)


def day_problem(visits: int, carers: int, seed: int = 1, clients: int | None = None, double_ups: float = 0.05,
                radius_km: float = 8.0, with_rules: bool = True, flex: int = 15, spread: int = 90,
                peaks: bool = True) -> Problem:
    """A day of visits 07:00-21:30 for clients spread over radius_km, carers on early, late and long shifts.

    With peaks, visits bunch at breakfast, lunch, tea and bed times (more than the carers can cover); without,
    they spread over the day and nearly all can be served, so two plans' travel can be compared fairly."""
    rng = random.Random(seed)
    clients = clients or max(1, visits // 2)
    deg = radius_km / 111
    places = [(KENDAL[0] + rng.uniform(-deg, deg), KENDAL[1] + rng.uniform(-deg, deg) * 1.7) for _ in range(clients)]
    genders = ["female", "male"]
    client_rules = [(frozenset({"hoist"}) if with_rules and rng.random() < 0.1 else frozenset(),
                     "female" if with_rules and rng.random() < 0.15 else None) for _ in range(clients)]
    stops, key = [], 0
    for visit_id in range(1, visits + 1):
        client = rng.randrange(clients)
        if peaks:
            planned = rng.choice((7 * 60, 8 * 60, 12 * 60, 13 * 60, 17 * 60, 19 * 60, 21 * 60)) + rng.randrange(
                0, spread, 5
            )
        else:
            planned = rng.randrange(7 * 60, 21 * 60 + 30, 5)
        minutes = rng.choice((15, 30, 30, 30, 45, 60))
        skills, gender = client_rules[client]
        for copy in range(2 if rng.random() < double_ups else 1):
            stops.append(Stop(key=key, visit_id=visit_id, copy=copy, place=client, planned=planned,
                              earliest=planned - flex, latest=planned + flex, minutes=minutes, skills=skills,
                              gender=gender))
            key += 1
    shifts = []
    for worker_id in range(1, carers + 1):
        start, end = rng.choice(((7 * 60 - 30, 14 * 60), (7 * 60 - 30, 22 * 60 + 30), (12 * 60, 22 * 60 + 30)))
        breaks = (((start + end) // 2, (start + end) // 2 + 30),) if end - start > 8 * 60 else ()
        shifts.append(Shift(worker_id=worker_id, start=start, end=end, breaks=breaks,
                            mode="walking" if with_rules and rng.random() < 0.1 else "car",
                            skills=frozenset({"hoist"}) if rng.random() < 0.4 else frozenset(),
                            gender=rng.choice(genders)))
    model = travel_model(load_settings())
    travel = {mode: [[-(-s // 60) for s in row] for row in model.matrix(places, mode)] for mode in model.speeds_kmh}
    return Problem(stops=stops, shifts=shifts, travel=travel)
