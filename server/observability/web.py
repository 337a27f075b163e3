"""Each request gets an id (a proxy's X-Request-Id, else a new one) that its log line, its audit entries and
its answer's X-Request-Id header all carry; its latency goes to the metrics. /metrics serves them."""
from __future__ import annotations

import hmac
import logging
import time

from flask import Flask, Response, current_app, g, request

from server.errors import ApiError
from server.observability import context
from server.observability.metrics import REQUEST_SECONDS, exposition

log = logging.getLogger("caremon.request")


def init_app(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)
    app.add_url_rule("/metrics", "metrics", _metrics)


def _begin() -> None:
    g.observed = (context.begin(request.headers.get("X-Request-Id")), time.perf_counter())


def _finish(response: Response) -> Response:
    if "observed" not in g:  # an earlier hook answered before ours ran
        return response
    seconds = time.perf_counter() - g.observed[1]
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    REQUEST_SECONDS.labels(request.method, endpoint, response.status_code).observe(seconds)
    response.headers["X-Request-Id"] = context.request_id()
    # Route templates and ids only: a query string or body may hold a name.
    log.info("request", extra={"method": request.method, "endpoint": endpoint, "status": response.status_code,
                               "duration_ms": round(seconds * 1000, 1)})
    return response


def _end(_exc) -> None:
    observed = g.pop("observed", None)
    if observed:
        context.end(observed[0])


def _metrics():
    token = current_app.config["CAREMON"]["metrics_token"]
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if token and not hmac.compare_digest(offered.encode(), token.encode()):
        raise ApiError(401, "unauthorized", "A valid metrics token is required", headers={"WWW-Authenticate": "Bearer"})
    body, content_type = exposition()
    return Response(body, content_type=content_type)
