"""Finding a home's latitude and longitude from a typed address or postcode, through geopy.

Which geocoder is configured (settings `geocoder`, `geocoder_url`, `geocoder_user_agent`): none, Nominatim
(OpenStreetMap's public service or a provider's own), or any class with geopy's geocode() named by its
import path, which is also how tests put a fake in place of the network. The admin picks one of the
candidates or places a pin instead; nothing is saved here.
"""
from __future__ import annotations

from importlib import import_module
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.errors import ApiError
from server.i18n import _

MAX_CANDIDATES = 5


def _geocoder(settings: dict):
    kind = settings.get("geocoder", "none")
    if kind == "none":
        raise ApiError(
            409,
            "geocoder_off",
            _("Address lookup is not set up on this server; place the pin on the map or type the coordinates"),
        )
    timeout = settings.get("geocoder_timeout_s", 5.0)
    if kind == "nominatim":
        url = urlsplit(settings["geocoder_url"])
        return Nominatim(domain=url.netloc + url.path.rstrip("/"), scheme=url.scheme or "https",
                         user_agent=settings["geocoder_user_agent"], timeout=timeout)
    module, _sep, name = kind.partition(":")
    return getattr(import_module(module), name)(user_agent=settings["geocoder_user_agent"], timeout=timeout)


def lookup(query: str, settings: dict) -> list[dict]:
    """Up to five places matching the query, best first: [{address, lat, lon}]."""
    geocoder = _geocoder(settings)
    codes = [c.strip() for c in settings.get("geocoder_country_codes", "").split(",") if c.strip()]
    try:
        found = geocoder.geocode(query, exactly_one=False, limit=MAX_CANDIDATES, country_codes=codes or None)
    except GeopyError as exc:
        raise ApiError(503, "geocoder_unavailable",
                       _("The address lookup did not answer; try again, or place the pin on the map"),
                       {"reason": type(exc).__name__}) from None
    return [{"address": place.address, "lat": place.latitude, "lon": place.longitude}
            for place in (found or [])[:MAX_CANDIDATES]]
