"""Pay for flagged visits, worked by hand: the contract's holds, a coordinator's accept or reject, double-ups.

Rule set actual-by-minute: 2500p an hour, at least 30 minutes per carer, capped at planned + 15.
A 45-minute visit on Monday 23 November 2026 (a weekday) planned at 09:00 UTC.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from server.extensions import db
from server.visits.models import VisitAssignment
from tests.builders import FAR, event, post
from tests.factories import add
from tests.sessions import headers_for

S = timedelta(seconds=1)
M = timedelta(minutes=1)


def deliver(client, world, minutes=None, seconds=0, where=None, start_offset=0 * M, tasks_done=True):
    a = world.alpha
    visit, worker = a.visits[0], a.worker_users[0]
    visit.planned_minutes = 45
    db.session.commit()
    where = where or ()
    begin = world.start + start_offset
    post(client, worker, visit.id, event("check_in", begin, *where))
    if tasks_done:
        for task in visit.tasks:
            post(client, worker, visit.id, event("task_done", begin, *where, task=task))
    r = post(client, worker, visit.id, event("check_out", begin + (minutes or 0) * M + seconds * S, *where))
    assert r.status_code == 201, r.get_json()
    return visit


def payable(client, world, visit):
    return client.get(f"/api/v1/visits/{visit.id}/payable", headers=headers_for(world.alpha.coordinator)).get_json()


def decide(client, world, visit, decision, note="Checked with the client"):
    return client.post(f"/api/v1/visits/{visit.id}/pay-decision", headers=headers_for(world.alpha.coordinator),
                       json={"decision": decision, "note": note})


def test_seven_second_off_site_visit_is_held_until_accepted(client, world):
    visit = deliver(client, world, seconds=7, where=FAR, start_offset=-120 * M, tasks_done=False)
    body = payable(client, world, visit)
    assert body["flags"] == ["early", "short", "outside_geofence", "tasks_not_done"]
    [line] = body["lines"]
    assert (line["outcome"], line["held_reason"], line["minutes"], body["held"]) == (
        "held",
        "outside_geofence",
        0,
        True,
    )
    assert line["steps"][0] == {
        "rule": "flags",
        "before": 0,
        "after": 0,
        "note": "flagged short (well under the planned minutes)",
    }
    assert line["steps"][1]["note"] == (
        "flagged outside geofence and short: this contract holds pay until a coordinator accepts the visit"
    )

    r = decide(client, world, visit, "accept", "Client confirms the carer came; GPS was wrong")
    assert r.status_code == 200 and r.get_json()["pay_decision"] == "accept"
    body = payable(client, world, visit)
    [line] = body["lines"]
    # 0 whole minutes, raised to the 30 minimum: 30 x 2500 / 60 = 1250p
    assert (line["outcome"], line["minutes"], line["amount_pence"]) == ("paid", 30, 1250)
    assert line["steps"][1] == {"rule": "decision", "before": 0, "after": 0, "note": (
        "flagged outside geofence and short: a coordinator accepted it for pay "
        "(Client confirms the carer came; GPS was wrong)")}
    assert body["pay_decision"] == "accept"

    decide(client, world, visit, "reject", "Not delivered")
    [line] = payable(client, world, visit)["lines"]
    assert (line["outcome"], line["minutes"], line["amount_pence"], line["held_reason"]) == ("not_paid", 0, 0, None)
    assert line["steps"][1]["note"] == ("flagged outside geofence and short: a coordinator rejected it for pay "
                                        "(Not delivered): nothing paid")


@pytest.mark.parametrize(("minutes", "held"), [
    (22, True),   # 22 / 45 = 48.9 %, under the 50 % hold
    (23, False),  # 23 / 45 = 51.1 %: short (under 90 %) but paid, 30 minutes by the minimum
    (40, False),  # short, paid 40 minutes = 1667p
])
def test_short_visits_are_held_below_the_contract_share(client, world, minutes, held):
    visit = deliver(client, world, minutes)
    body = payable(client, world, visit)
    assert body["flags"] == ["short"]
    [line] = body["lines"]
    if held:
        assert (line["outcome"], line["held_reason"]) == ("held", "short")
    else:
        assert (line["outcome"], line["minutes"]) == ("paid", max(30, minutes))


def test_a_contract_may_pay_flagged_visits_without_holding(client, world):
    world.alpha.contract.hold_outside_geofence = False
    world.alpha.contract.hold_short_below_percent = 0
    db.session.commit()
    visit = deliver(client, world, seconds=7, where=FAR)
    [line] = payable(client, world, visit)["lines"]
    assert (line["outcome"], line["minutes"], line["amount_pence"]) == ("paid", 30, 1250)


def test_understaffed_double_up_pays_only_the_carer_who_came(client, world):
    a = world.alpha
    visit = a.visits[0]
    visit.carers_required = 2
    add(VisitAssignment(visit_id=visit.id, worker_id=a.workers[1].id, position=2))
    db.session.commit()
    deliver(client, world, 45)
    # The second carer never came: a coordinator enters nothing for them, the scheduler leaves them without times.
    body = payable(client, world, visit)
    first, second = body["lines"]
    assert (first["worker_id"], first["outcome"], first["minutes"], first["amount_pence"]) == (
        a.workers[0].id, "paid", 45, 1875)
    assert (second["worker_id"], second["outcome"], second["minutes"]) == (a.workers[1].id, "not_delivered", 0)
    assert second["steps"][0]["rule"] == "flags" and "understaffed" in second["steps"][0]["note"]
    assert second["steps"][1]["note"].endswith("understaffed: only the carers who attended are paid")


def test_a_decision_needs_a_flagged_visit_and_a_note(client, world):
    visit = deliver(client, world, 45)
    assert decide(client, world, visit, "accept").status_code == 409
    visit = deliver(client, world, 10)  # the same visit again: now short
    assert decide(client, world, visit, "accept", "  ").status_code == 422
    assert decide(client, world, visit, "maybe").status_code == 422
    assert client.post(f"/api/v1/visits/{visit.id}/pay-decision", headers=headers_for(world.alpha.worker_users[0]),
                       json={"decision": "accept", "note": "x"}).status_code == 403


def test_export_shows_held_and_rejected_visits_with_flags(client, world):
    visit = deliver(client, world, 10)
    officer = headers_for(world.officer)
    url = "/api/v1/exports/visits?date_from=2026-11-23&date_to=2026-11-23&format=csv"
    rows = {
        r["visit_id"]: r for r in csv.DictReader(io.StringIO(client.get(url, headers=officer).get_data(as_text=True)))
    }
    assert (rows[str(visit.id)]["outcome"], rows[str(visit.id)]["held_reason"]) == ("held", "short")
    decide(client, world, visit, "reject", "Left after ten minutes")
    rows = {
        r["visit_id"]: r for r in csv.DictReader(io.StringIO(client.get(url, headers=officer).get_data(as_text=True)))
    }
    assert (rows[str(visit.id)]["outcome"], rows[str(visit.id)]["payable_minutes"]) == ("not_paid", "0")


def test_rejecting_a_visit_whose_flags_do_not_hold_pay_still_stops_it(client, world):
    visit = deliver(client, world, 45, tasks_done=False)
    assert payable(client, world, visit)["lines"][0]["outcome"] == "paid"
    decide(client, world, visit, "reject", "Tasks were not done and no reason was given")
    [line] = payable(client, world, visit)["lines"]
    assert (line["outcome"], line["minutes"]) == ("not_paid", 0)
    assert line["steps"][0]["note"] == ("flagged tasks not done: a coordinator rejected it for pay "
                                        "(Tasks were not done and no reason was given): nothing paid")
