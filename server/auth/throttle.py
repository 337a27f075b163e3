"""Failed logins counted per account and per client address, in storage every web worker shares.

Only failures count: a care office whose staff all log in from one address each morning is
never held up, while guessing is. The per-account limit holds however many addresses an
attacker spreads the guesses over; the per-address limit holds however many accounts one
address tries. Counts live in the database by default (the login_failures table, a moving
window), or in Redis when `rate_limit_storage` is a redis:// URL (any storage URL the `limits`
library knows works; memory:// only within one process).
"""
from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select

from server.auth.models import LoginFailure
from server.errors import ApiError
from server.extensions import db
from server.i18n import _

DATABASE = "database"


class DatabaseCounts:
    """Failures as rows: a check reads at most one row per key through its (key, at) index."""

    def __init__(self, per_account: RateLimitItem, per_address: RateLimitItem):
        self.limits = ((LoginFailure.email, per_account), (LoginFailure.address, per_address))
        self.keep = timedelta(seconds=max(item.get_expiry() for _, item in self.limits))

    def wait_seconds(self, email: str, address: str, now: datetime) -> int:
        waits = [self._wait(column, value, item, now)
                 for (column, item), value in zip(self.limits, (email, address))]
        return max(waits)

    def _wait(self, column, value: str, item: RateLimitItem, now: datetime) -> int:
        window = timedelta(seconds=item.get_expiry())
        # The amount-th latest failure in the window: when it leaves the window, a try is free again.
        nth = db.session.scalar(
            select(LoginFailure.at).where(column == value, LoginFailure.at > now - window)
            .order_by(LoginFailure.at.desc()).offset(item.amount - 1).limit(1))
        return 0 if nth is None else max(1, math.ceil((nth + window - now).total_seconds()))

    def failed(self, email: str, address: str, now: datetime) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - self.keep))
        db.session.add(LoginFailure(at=now, email=email, address=address))


class StorageCounts:
    """Failures in a `limits` storage (Redis for several workers); its moving window keeps its own clock."""

    def __init__(self, uri: str, per_account: RateLimitItem, per_address: RateLimitItem):
        self.window = MovingWindowRateLimiter(storage_from_string(uri, key_prefix="caremon"))
        self.limits = (("login-account", per_account), ("login-address", per_address))

    def wait_seconds(self, email: str, address: str, now: datetime) -> int:
        wait = 0
        for (kind, item), value in zip(self.limits, (email, address)):
            if not self.window.test(item, kind, value):
                reset = self.window.get_window_stats(item, kind, value).reset_time
                wait = max(wait, 1, math.ceil(reset - time.time()))
        return wait

    def failed(self, email: str, address: str, now: datetime) -> None:
        for (kind, item), value in zip(self.limits, (email, address)):
            self.window.hit(item, kind, value)


def _counts():
    """This app's counter, built once from its settings."""
    counts = current_app.extensions.get("caremon_login_throttle")
    if counts is None:
        settings = current_app.config["CAREMON"]
        per_account = parse(settings["login_account_rate_limit"])
        per_address = parse(settings["login_rate_limit"])
        storage = settings["rate_limit_storage"]
        counts = (DatabaseCounts(per_account, per_address) if storage == DATABASE
                  else StorageCounts(storage, per_account, per_address))
        current_app.extensions["caremon_login_throttle"] = counts
    return counts


def _enabled() -> bool:
    return current_app.config["CAREMON"]["rate_limit_enabled"]


def check(email: str, address: str, now: datetime) -> None:
    """Refuse the attempt with 429 and Retry-After while the account or the address has failed too often."""
    if not _enabled():
        return
    wait = _counts().wait_seconds(email, address, now)
    if wait:
        raise ApiError(429, "rate_limited", _("Too many failed logins; try again in %(wait)s seconds", wait=wait),
                       {"retry_after": wait}, headers={"Retry-After": str(wait)})


def failed(email: str, address: str, now: datetime) -> None:
    """Count a failure; in the database it joins the caller's transaction, which must commit despite the 401."""
    if _enabled():
        _counts().failed(email[:254], address[:45], now)
