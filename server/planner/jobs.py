"""Planning runs as a background job: the request records a queued Plan and returns; a thread solves it.

A plan takes seconds to minutes, longer than a request should wait, so the job runs on a thread of
its own with its own database session, moving the plan through running to done or failed. Threads
are kept by plan id so a caller (a test, a shutdown) can wait for one.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from server.db_types import utcnow
from server.directory.models import Contract, Council
from server.extensions import db
from server.planner import facts
from server.planner.models import Plan, PlanStatus
from server.planner.solver import solve

log = logging.getLogger(__name__)
_threads: dict[int, threading.Thread] = {}


def start(app: Flask, plan_id: int) -> None:
    thread = threading.Thread(target=_run, args=(app, plan_id), name=f"plan-{plan_id}", daemon=True)
    _threads[plan_id] = thread
    thread.start()


def wait(plan_id: int, timeout: float | None = None) -> None:
    thread = _threads.pop(plan_id, None)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, plan_id: int) -> None:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        plan.status, plan.started_at = PlanStatus.RUNNING, utcnow()
        db.session.commit()
        try:
            plan.result = make_plan(plan, app.config["CAREMON"])
            plan.status = PlanStatus.DONE
        except Exception:  # the job must end in a state the coordinator sees; the cause goes to the log
            log.exception("plan %s failed", plan_id)
            db.session.rollback()
            plan = db.session.get(Plan, plan_id)
            plan.status, plan.error = PlanStatus.FAILED, "Planning failed; the log has the cause"
        plan.finished_at = utcnow()
        db.session.commit()
        db.session.remove()


def provider_timezone(provider_id: int, default: str) -> str:
    return db.session.scalar(select(Council.timezone).join(Contract, Contract.council_id == Council.id).where(
        Contract.provider_id == provider_id).order_by(Contract.id).limit(1)) or default


def make_plan(plan: Plan, settings: dict) -> dict:
    """Each day planned on its own, their plans put together."""
    tz = provider_timezone(plan.provider_id, settings["default_timezone"])
    limit = min(plan.options.get("time_limit_s") or settings["plan_time_limit_s"], settings["plan_time_limit_s"])
    replan = bool(plan.options.get("replan_assigned"))
    merged = {"assignments": [], "unassigned": [], "runs": [], "fingerprints": {}, "travel_minutes": 0,
              "seconds": 0.0, "solver": "greedy", "notes": []}
    for offset in range(plan.days):
        day = facts.build_day(plan.provider_id, plan.day + timedelta(days=offset), tz, settings, plan.created_at,
                              replan)
        part = facts.result(day, solve(day.problem, limit))
        for name in ("assignments", "unassigned", "runs", "notes"):
            merged[name] += part[name]
        merged["fingerprints"].update(part["fingerprints"])
        merged["travel_minutes"] += part["travel_minutes"]
        merged["seconds"] = round(merged["seconds"] + part["seconds"], 2)
        if part["solver"] != "greedy":
            merged["solver"] = part["solver"]
    return merged
