"""Device clock offset: how far a phone's clock is from the server's.

The server measures offset = sent_at (device clock when the batch left) - receipt time
(server clock). The upload's own latency makes the device look behind by that much,
so the measurement is exact to within the request's one-way latency: well under a
second on a working connection, far inside the skew threshold (minutes) it is judged by.
A client that wants it tighter takes the midpoint of its send and receive times
against the server_time in the response (estimate_offset).
"""
from __future__ import annotations

from datetime import datetime, timedelta


def measured_offset_s(sent_at: datetime, received_at: datetime) -> float:
    """Device minus server, seconds, as the server measures it."""
    return (sent_at - received_at).total_seconds()


def estimate_offset(device_sent: datetime, device_received: datetime, server_time: datetime) -> float:
    """Device minus server, seconds, from one round trip (NTP's midpoint rule)."""
    midpoint = device_sent + (device_received - device_sent) / 2
    return (midpoint - server_time).total_seconds()


def corrected(device_time: datetime, offset_s: float) -> datetime:
    """What the server's clock read when the device's clock read device_time."""
    return device_time - timedelta(seconds=offset_s)


def is_skewed(offset_s: float | None, threshold_s: float) -> bool:
    return offset_s is not None and abs(offset_s) > threshold_s
