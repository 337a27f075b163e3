"""A geopy-style geocoder that answers from a table, named in settings as tests.directory.fakes:TableGeocoder."""
from __future__ import annotations

from geopy.exc import GeocoderUnavailable
from geopy.location import Location

PLACES = {
    "LA9 4AA": [("Highgate, Kendal, Westmorland and Furness, LA9 4AA, United Kingdom", 54.3262, -2.7485)],
    "STRICKLAND GATE": [
        ("Stricklandgate, Kendal, LA9 4PU, United Kingdom", 54.3301, -2.7466),
        ("Strickland Gate, Penrith, CA11 7JY, United Kingdom", 54.6653, -2.7528),
    ],
}
ASKED: list[dict] = []


class TableGeocoder:
    def __init__(self, *, user_agent: str, timeout: float):
        self.user_agent = user_agent

    def geocode(self, query, *, exactly_one=True, limit=None, country_codes=None):
        ASKED.append({"query": query, "limit": limit, "country_codes": country_codes, "user_agent": self.user_agent})
        if query == "offline":
            raise GeocoderUnavailable("no route to host")
        return [Location(address, (lat, lon), {}) for address, lat, lon in PLACES.get(query.strip().upper(), [])]
