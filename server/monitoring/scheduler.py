"""`caremon scheduler`: one process in charge of the scans, the outboxes (notifications, webhooks), visit generation
and package offers whose time to answer has passed.

Only the holder of the database lock runs jobs. PostgreSQL: a session advisory lock on a
connection kept open, released by the server the moment the holder's process dies.
SQLite: a lease row the holder renews; another scheduler takes over once it expires.
"""
from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from prometheus_client import start_http_server
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from server.db_types import utcnow
from server.errors import database_problem, database_reason
from server.extensions import db
from server.monitoring.models import SchedulerLock
from server.observability import context, metrics

log = logging.getLogger("caremon.scheduler")
LOCK_NAME = "scheduler"
ADVISORY_KEY = 0x63617265  # "care"


class AdvisoryLock:
    def __init__(self, engine):
        self.connection = engine.connect()

    def try_acquire(self) -> bool:
        return bool(self.connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}))

    def renew(self) -> bool:
        """The lock lives as long as this connection: when it is gone, so is the lock, and another may hold it."""
        try:
            self.connection.scalar(text("SELECT 1"))
        except DBAPIError:
            return False
        return True


class LeaseLock:
    def __init__(self, lease_s: int):
        self.lease = timedelta(seconds=lease_s)
        self.holder = f"{socket.gethostname()}:{os.getpid()}"

    def try_acquire(self) -> bool:
        now = utcnow()
        taken = db.session.execute(update(SchedulerLock).where(
            SchedulerLock.name == LOCK_NAME,
            (SchedulerLock.expires_at < now) | (SchedulerLock.holder == self.holder),
        ).values(holder=self.holder, expires_at=now + self.lease)).rowcount
        if not taken:
            try:
                db.session.add(SchedulerLock(name=LOCK_NAME, holder=self.holder, expires_at=now + self.lease))
                db.session.flush()
                taken = 1
            except IntegrityError:
                db.session.rollback()
                return False
        db.session.commit()
        return bool(taken)

    renew = try_acquire


def lock_for(app):
    if db.engine.dialect.name == "postgresql":
        return AdvisoryLock(db.engine)
    return LeaseLock(app.config["CAREMON"]["scheduler_lease_s"])


# SQLite hands its write lock to no one in particular: a waiting request retries every 100 ms at most,
# so a pause this long after each step lets it in before the next step takes the lock again.
SQLITE_STEP_PAUSE_S = 0.1


def wait_for_database(settings: dict) -> None:
    """Retry until the database answers and has its tables, with capped exponential backoff, so a scheduler
    started before its database (a reboot, a container starting first, a migration still running) waits."""
    delay = settings["scheduler_connect_backoff_s"]
    for attempt in itertools.count(1):
        try:
            with db.engine.connect() as connection:
                missing = set(db.metadata.tables) - set(inspect(connection).get_table_names())
            if not missing:
                return
            # A migration still running has made some tables: a job started now would fail on the others.
            some = len(missing) < len(db.metadata.tables)
            reason = f"{'not all' if some else 'no'} tables yet (caremon db upgrade)"
        except DBAPIError as exc:
            if database_problem(exc) is None:
                raise
            reason = database_reason(exc)
        log.warning("database unavailable (attempt %d: %s); retrying in %g s", attempt, reason, delay)
        time.sleep(delay)
        delay = min(delay * 2, settings["scheduler_connect_backoff_max_s"])


def acquire_lock(app):
    """Wait for the database, then for the lock (another scheduler may hold it); returns the lock held."""
    settings = app.config["CAREMON"]
    wait_for_database(settings)
    lock = lock_for(app)
    while not lock.try_acquire():
        log.info("another scheduler holds the lock; waiting")
        time.sleep(max(1, settings["scheduler_lease_s"] / 3))
    log.info("scheduler lock acquired")
    return lock


def generate_in_steps(now, settings: dict) -> int:
    """The visits patterns call for, committed a few clients at a time (a request waits for one step, not all)."""
    from server.care.generation import client_batches, generate_visits

    created = 0
    for client_ids in client_batches(settings["generate_clients_per_commit"]):
        step = generate_visits(now, settings["generate_days_ahead"], client_ids)
        db.session.commit()
        created += step
        if step and db.engine.dialect.name == "sqlite":
            time.sleep(SQLITE_STEP_PAUSE_S)
    return created


def waiting(outbox) -> int:
    """Messages of an outbox (notifications or webhook deliveries) still to send."""
    return db.session.scalar(select(func.count()).select_from(outbox).where(outbox.status == "pending"))


def run(app) -> None:
    """Wait for the lock, then run the jobs until the process is stopped or loses the lock."""
    from server.monitoring.scans import scan
    from server.notify.channels import channels_from_settings
    from server.notify.models import Notification
    from server.notify.sender import drain
    from server.reports.rollup import refresh_councils
    from server.webhooks import delivery
    from server.webhooks.models import WebhookDelivery

    settings = app.config["CAREMON"]
    if settings["scheduler_metrics_port"]:
        start_http_server(settings["scheduler_metrics_port"])
    with app.app_context():
        lock = acquire_lock(app)
        channels = channels_from_settings(settings)

    def job(fn):
        def wrapped():
            with app.app_context():
                if not lock.renew():
                    log.error("scheduler lock lost; stopping")
                    os._exit(1)
                run_id = context.begin()  # each run's audit entries and log lines share an id
                try:
                    fn()
                finally:
                    context.end(run_id)
        return wrapped

    def scan_job():
        began = time.perf_counter()
        counts = scan(utcnow(), settings)
        metrics.count_scan(counts, time.perf_counter() - began)
        log.info("scan: %s", counts)

    def outbox_job():
        counts = drain(channels, utcnow(), max_attempts=settings["notify_max_attempts"],
                       backoff_s=settings["notify_backoff_s"], backoff_max_s=settings["notify_backoff_max_s"])
        metrics.count_deliveries("notifications", counts, waiting(Notification))

    def webhooks_job():
        metrics.count_deliveries("webhooks", delivery.drain(settings, utcnow()), waiting(WebhookDelivery))

    def offers_job():
        from server.commissioning.offers import lapse_turns

        lapsed = lapse_turns(utcnow(), settings)
        db.session.commit()
        if lapsed:
            log.info("package offers: %d turns lapsed and moved on", lapsed)

    def report_days_job():
        log.info("stored KPI days: %d contracts brought up to date", refresh_councils(utcnow()))

    def generate_job():
        log.info("generated %d visits", generate_in_steps(utcnow(), settings))

    scheduler = BlockingScheduler(timezone="UTC")
    start = utcnow()
    scheduler.add_job(job(scan_job), "interval", seconds=settings["scan_interval_s"], next_run_time=start,
                      max_instances=1, coalesce=True)
    scheduler.add_job(job(outbox_job), "interval", seconds=max(5, settings["scan_interval_s"] // 4),
                      next_run_time=start, max_instances=1, coalesce=True)
    scheduler.add_job(job(webhooks_job), "interval", seconds=max(5, settings["scan_interval_s"] // 4),
                      next_run_time=start, max_instances=1, coalesce=True)
    scheduler.add_job(job(offers_job), "interval", seconds=settings["scan_interval_s"], next_run_time=start,
                      max_instances=1, coalesce=True)
    scheduler.add_job(job(generate_job), "interval", hours=1, next_run_time=start, max_instances=1, coalesce=True)
    scheduler.add_job(job(report_days_job), "interval", minutes=10, next_run_time=start, max_instances=1,
                      coalesce=True)
    scheduler.add_job(job(lambda: None), "interval", seconds=max(1, settings["scheduler_lease_s"] // 3))
    scheduler.start()
