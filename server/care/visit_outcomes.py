"""A client's outcomes at their visits, received from the visits domain's signals.

Visits sits below care and does not know outcomes exist: a carer's run shows the client's active
outcomes, attached here, and progress recorded at a visit is accepted only against one of them.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from server.care.models import Outcome
from server.care.schemas import OutcomeSummarySchema
from server.extensions import db
from server.visits.signals import outcome_chosen, run_listed


@run_listed.connect
def attach_outcomes(visits: list) -> None:
    """Each visit's run_outcomes: its client's active outcomes, in one query for the run."""
    outcomes = defaultdict(list)
    client_ids = {v.client_id for v in visits}
    if client_ids:
        for outcome in db.session.scalars(
            select(Outcome).where(Outcome.client_id.in_(client_ids), Outcome.active.is_(True)).order_by(Outcome.id)
        ):
            outcomes[outcome.client_id].append(outcome)
    summary = OutcomeSummarySchema(many=True)
    for visit in visits:
        visit.run_outcomes = summary.dump(outcomes[visit.client_id])


@outcome_chosen.connect
def is_active_outcome(visit, *, outcome_id: int) -> bool:
    outcome = db.session.get(Outcome, outcome_id)
    return outcome is not None and outcome.client_id == visit.client_id and outcome.active
