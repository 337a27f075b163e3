"""Records written by direct_updates.write_now: the changed columns alone, once, with the stored days' notes."""
from __future__ import annotations

from sqlalchemy import delete, select

from server.direct_updates import write_now
from server.directory.models import Worker
from server.extensions import db
from server.reports.models import ReportChange
from server.visits.models import Visit, VisitAssignment
from tests.builders import event, post
from tests.dbstate import statements_sent


def test_changed_columns_are_written_once_and_the_commit_writes_nothing_more(world):
    worker = db.session.get(Worker, world.alpha.workers[0].id)
    other = db.session.get(Worker, world.alpha.workers[1].id)
    worker.last_lat, worker.last_lon = 54.1, -2.9
    other.name = other.name  # set to what it was: nothing to write

    with statements_sent() as sent:
        write_now([worker, other])
    [update] = sent
    assert update.startswith("UPDATE workers SET") and "last_lat" in update and "name" not in update
    assert worker in db.session and worker not in db.session.dirty  # held as stored
    with statements_sent() as sent:
        db.session.commit()
    assert not [s for s in sent if s.startswith(("UPDATE", "INSERT"))]
    db.session.expire_all()
    assert (worker.last_lat, worker.last_lon) == (54.1, -2.9)


def test_a_changed_collection_is_left_to_the_flush(world):
    visit = db.session.get(Visit, world.alpha.visits[0].id)
    visit.assignments.append(VisitAssignment(worker_id=world.alpha.workers[1].id, position=2))
    write_now([visit])
    assert visit in db.session
    db.session.commit()
    assert len(db.session.get(Visit, visit.id).assignments) == 2


def test_a_check_in_notes_its_day_for_the_stored_reports_as_the_flush_would(client, world):
    visit = world.alpha.visits[0]
    db.session.execute(delete(ReportChange))  # the world's own notes
    db.session.commit()
    assert post(client, world.alpha.worker_users[0], visit.id, event("check_in", world.start)).status_code == 201
    noted = db.session.execute(select(ReportChange.contract_id, ReportChange.planned_start)).all()
    assert noted == [(visit.contract_id, visit.planned_start)]
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert stored.status == "in_progress" and stored.started_at == world.start
    assert db.session.get(Worker, world.alpha.workers[0].id).last_seen_at == world.start
