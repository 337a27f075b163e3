"""The scheduler counts the stored KPI days ahead of readers: after its pass a report finds nothing stale."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.db_types import utcnow
from server.extensions import db
from server.reports.models import ReportChange, ReportDay
from server.reports.rollup import refresh_councils
from tests.factories import make_world


def test_the_scheduled_pass_counts_every_councils_days_and_clears_the_change_notes(app):
    with app.app_context():
        world = make_world()
        visit = world.alpha.visits[0]
        visit.planned_start = utcnow() - timedelta(days=3)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ReportChange)) > 0

        looked = refresh_councils(utcnow(), days=30)

        contracts = {side.contract.id for side in (world.alpha, world.beta, world.gamma)}
        assert looked == len(contracts)
        stored = db.session.execute(select(ReportDay.contract_id, func.count()).group_by(ReportDay.contract_id)).all()
        assert dict(stored) == {c: 31 for c in contracts}
        assert db.session.scalar(select(func.count()).select_from(ReportChange)) == 0
