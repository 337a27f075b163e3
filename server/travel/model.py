"""How long a carer takes from one home to the next, by travel mode.

Geodesic distance times a road factor, at a steady speed per mode: cheap, needs no service, and
close enough for planning in towns. Every caller goes through TravelModel so a routing engine can
replace the estimate in one place (server/travel/osrm.py does, for car journeys, when
travel_osrm_url is set).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from geopy.distance import geodesic

MODES = ("car", "walking", "public_transport")
Point = tuple[float, float]
# WGS84's mean radius: the great circle on it is within 0.5 % of the ellipsoid's geodesic, and a matrix of
# a day's homes takes milliseconds instead of the seconds geopy needs pair by pair.
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class TravelModel:
    road_factor: float
    speeds_kmh: Mapping[str, float]

    def km(self, origin: Point, destination: Point) -> float:
        """Road distance estimated from the straight line."""
        return geodesic(origin, destination).km * self.road_factor

    def seconds(self, origin: Point, destination: Point, mode: str = "car") -> int:
        return round(self.km(origin, destination) / self.speeds_kmh[mode] * 3600)

    def km_matrix(self, points: Sequence[Point]) -> np.ndarray:
        """Estimated road km from each point to each other, on the great circle."""
        if not len(points):
            return np.zeros((0, 0))
        lat, lon = np.radians(np.asarray(points, dtype=float)).T
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))) * self.road_factor

    def matrix(self, points: Sequence[Point], mode: str = "car") -> list[list[int]]:
        """Seconds from each point to each other (a zero diagonal), as a solver wants them."""
        seconds = np.rint(self.km_matrix(points) / self.speeds_kmh[mode] * 3600).astype(int)
        return seconds.tolist()


def travel_model(settings: Mapping) -> TravelModel:
    return TravelModel(road_factor=settings["travel_road_factor"],
                       speeds_kmh={mode: settings[f"travel_speed_{mode}_kmh"] for mode in MODES})
