"""A client's outcomes at their visits: a carer's run shows the active ones, and progress lands only on them."""
from __future__ import annotations

from sqlalchemy import select

from server.care.models import Outcome
from server.extensions import db
from server.visits.models import OutcomeProgress
from tests.builders import event
from tests.factories import add
from tests.sessions import headers_for


def test_the_run_shows_each_clients_active_outcomes(client, world):
    a = world.alpha
    add(Outcome(client_id=a.clients[0].id, title="I can cook", active=False))
    second = add(Outcome(client_id=a.clients[0].id, title="I can wash", description="With a seat"))
    db.session.commit()
    run = client.get("/api/v1/run?date=2026-11-23", headers=headers_for(a.worker_users[0])).get_json()
    [visit] = run["visits"]
    assert visit["outcomes"] == [
        {"id": a.outcomes[0].id, "title": "I can get to the shops", "description": None},
        {"id": second.id, "title": "I can wash", "description": "With a seat"},
    ]


def test_progress_is_recorded_only_on_an_active_outcome_of_the_visits_client(client, world):
    a = world.alpha
    retired = add(Outcome(client_id=a.clients[0].id, title="I can cook", active=False))
    db.session.commit()
    url, worker = f"/api/v1/visits/{a.visits[0].id}/events", headers_for(a.worker_users[0])
    body = event("outcome_progress", world.start, outcome_id=retired.id, score=4)
    assert client.post(url, json=body, headers=worker).status_code == 422
    body = event("outcome_progress", world.start, outcome_id=a.outcomes[0].id, score=4)
    assert client.post(url, json=body, headers=worker).status_code == 201
    [progress] = db.session.scalars(select(OutcomeProgress)).all()
    assert (progress.outcome_id, progress.score, progress.client_id) == (a.outcomes[0].id, 4, a.clients[0].id)
