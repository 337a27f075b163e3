"""Road durations from an OSRM server's table service, for when the straight-line estimate is not enough.

OSRM answers GET /table/v1/driving/{lon,lat;...}?annotations=duration with {"code": "Ok",
"durations": [[seconds]]}. A server that is down or answers badly leaves the estimate in place:
a plan with estimated travel is better than no plan.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import requests

log = logging.getLogger(__name__)


def osrm_matrix(points: Sequence[tuple[float, float]], settings: Mapping) -> list[list[int]] | None:
    """Seconds by road from each point to each other, or None when the service gives no usable answer."""
    if not points:
        return []
    coords = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
    url = f"{settings['travel_osrm_url'].rstrip('/')}/table/v1/driving/{coords}"
    try:
        answer = requests.get(url, params={"annotations": "duration"}, timeout=settings["travel_osrm_timeout_s"])
        body = answer.json()
        durations = body["durations"] if answer.ok and body.get("code") == "Ok" else None
        if durations is None or len(durations) != len(points) or any(len(row) != len(points) for row in durations):
            raise ValueError(f"unexpected answer {answer.status_code}")
        # A null is a pair of places with no route between them: the estimate is safer than a guess.
        return [[round(d) for d in row] for row in durations]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        log.warning("OSRM table service failed (%s); using the travel model", exc)
        return None
