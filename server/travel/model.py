"""How long a carer takes from one home to the next, by travel mode.

Geodesic distance (geopy) times a road factor, at a steady speed per mode: cheap, needs no
service, and close enough for planning in towns. Every caller goes through TravelModel so a
routing engine can replace the estimate in one place.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from geopy.distance import geodesic

MODES = ("car", "walking", "public_transport")
Point = tuple[float, float]


@dataclass(frozen=True)
class TravelModel:
    road_factor: float
    speeds_kmh: Mapping[str, float]

    def km(self, origin: Point, destination: Point) -> float:
        """Road distance estimated from the straight line."""
        return geodesic(origin, destination).km * self.road_factor

    def seconds(self, origin: Point, destination: Point, mode: str = "car") -> int:
        return round(self.km(origin, destination) / self.speeds_kmh[mode] * 3600)

    def matrix(self, points: Sequence[Point], mode: str = "car") -> list[list[int]]:
        """Seconds from each point to each other (a zero diagonal), as a solver wants them."""
        return [[0 if i == j else self.seconds(a, b, mode) for j, b in enumerate(points)]
                for i, a in enumerate(points)]


def travel_model(settings: Mapping) -> TravelModel:
    return TravelModel(road_factor=settings["travel_road_factor"],
                       speeds_kmh={mode: settings[f"travel_speed_{mode}_kmh"] for mode in MODES})
