"""Prometheus metrics, with the official client.

The web app serves its own at /metrics; under gunicorn every worker is a process of its own, so `caremon serve`
gives them a shared PROMETHEUS_MULTIPROC_DIR and /metrics sums what they all wrote. The scheduler serves its
metrics (scans, alerts, outboxes) on a port of its own (`scheduler_metrics_port`).
Labels are route templates and fixed words, never ids, so the series stay few.
"""
from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_SECONDS = Histogram("caremon_http_request_duration_seconds", "Time to answer an API or app request",
                            ["method", "endpoint", "status"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
SCAN_SECONDS = Histogram("caremon_scan_duration_seconds", "Time one monitoring scan took",
                         buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
VISITS_SCANNED = Counter("caremon_visits_scanned_total", "Visits due now that scans checked for lateness")
ALERTS_RAISED = Counter("caremon_alerts_raised_total", "Alerts raised by scans", ["kind"])
OUTBOX_RESULTS = Counter("caremon_outbox_deliveries_total", "Delivery attempts by outbox and result",
                         ["outbox", "result"])
OUTBOX_DEPTH = Gauge("caremon_outbox_depth", "Messages waiting to be sent", ["outbox"], multiprocess_mode="max")
SYNC_ITEMS = Counter("caremon_sync_items_total", "Items phones uploaded, by result", ["result"])
EXPORT_ROWS = Counter("caremon_export_rows_total", "Rows written by exports", ["export"])


def exposition() -> tuple[bytes, str]:
    """The text format for a scrape: this process's metrics, or every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def count_scan(counts: dict, seconds: float) -> None:
    SCAN_SECONDS.observe(seconds)
    VISITS_SCANNED.inc(counts.get("scanned", 0))
    for kind, raised in counts.items():
        if kind != "scanned" and raised:
            ALERTS_RAISED.labels(kind).inc(raised)


def count_deliveries(outbox: str, counts: dict, depth: int) -> None:
    for result, n in counts.items():
        if n:
            OUTBOX_RESULTS.labels(outbox, result).inc(n)
    OUTBOX_DEPTH.labels(outbox).set(depth)


def count_sync(results) -> None:
    for item in results:
        SYNC_ITEMS.labels(item["status"]).inc()
