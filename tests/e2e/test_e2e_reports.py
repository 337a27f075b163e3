"""KPI screens for providers and councils: the figures drawn on screen are the API's figures for a
hand-worked data set (tests/e2e/seed_kpis.py), each scoped to who is looking."""
from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.db_types import utcnow
from tests.e2e.conftest import PHONE, signed_in
from tests.e2e.seed_kpis import seed_kpis
from tests.e2e.test_e2e_desk import download
from tests.e2e.test_e2e_shell import check_screen

pytestmark = pytest.mark.e2e

REPORTS = ("punctuality", "missed", "delivery", "continuity", "outcomes")
REASONS = {"client_in_hospital": "Client in hospital", None: "No reason yet"}


def fmt(value, unit: str = "") -> str:
    """The PWA's fmt(): one decimal place below 100 (halves rounded up), whole numbers above, en-GB grouping."""
    if value is None:
        return "–"
    rounded = math.floor(value + 0.5) if abs(value) >= 100 else math.floor(value * 10 + 0.5) / 10
    text = f"{int(rounded):,}" if rounded == int(rounded) else f"{rounded:,.1f}"
    return text + unit


def short_day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d:%a} {d.day} {d:%b}"


def delivered(f: dict) -> str:
    return (f"{fmt(f['delivered_pct'], '%')} "
            f"({fmt(f['delivered_minutes'] / 60)} of {fmt(f['commissioned_minutes'] / 60)} h)")


def figure(page, caption: str):
    return page.locator("figure").filter(has=page.locator("figcaption", has_text=caption))


def numbers(fig) -> dict:
    return dict(fig.locator("dl.numbers").evaluate(
        "(dl) => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])"))


def table_rows(page, caption: str) -> list[list[str]]:
    table = page.locator("table").filter(has=page.locator("caption", has_text=caption))
    return table.evaluate("(t) => [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent))")


def api_reports(page, query: dict) -> dict:
    return {name: page.request.get(f"/api/v1/reports/{name}", params=query).json() for name in REPORTS}


def show_period(page, first: date, last: date) -> None:
    page.get_by_label("From", exact=True).fill(first.isoformat())
    page.get_by_label("To", exact=True).fill(last.isoformat())
    expect(page.get_by_label("Period", exact=True)).to_have_value("custom")
    page.get_by_role("button", name="Show").click()


def assert_screen_matches(page, r: dict) -> None:
    """Every figure drawn for these reports shows the API's numbers."""
    t = r["punctuality"]["totals"]
    expect(figure(page, "Punctuality by week")).to_contain_text(f"of {t['due']} due")
    assert numbers(figure(page, "Punctuality by week")) == {
        "Early": fmt(t["early"]), "On time": fmt(t["on_time"]), "Late": fmt(t["late"]), "Missed": fmt(t["missed"])}
    assert table_rows(page, "Contract thresholds") == [
        [f"{c['reference']} ({c['provider_name']})", f"over {c['early_minutes']} min before",
         f"over {c['late_minutes']} min after", f"none {c['missed_minutes']} min after, or by the planned end"]
        for c in r["punctuality"]["filters"]["contracts"]]

    assert table_rows(page, "Each missed visit") == [
        [
            f"{short_day(v['local_date'])} {v['local_time']}",
            v["client_name"],
            ", ".join(w["worker_name"] for w in v["workers"]),
            REASONS[v["reason_code"]],
            (v["resolution"] or "").split(": ", 1)[-1],
            "Yes" if v["resolved"] else "Open",
        ]
        for v in r["missed"]["rows"]
    ]

    d = r["delivery"]
    assert numbers(figure(page, "Delivered against commissioned hours")) == {
        p["provider_name"]: delivered(p) for p in d["totals"]["providers"]}
    assert numbers(figure(page, "By client")) == {c["client_name"]: delivered(c) for c in d["rows"]}
    assert numbers(figure(page, "Four-week flexible packages")) == {
        f"{c['client_name']}, {short_day(b['date_from'])} – {short_day(b['date_to'])}": delivered(b)
        for c in d["rows"] for b in c["blocks"]}

    assert numbers(figure(page, "Different carers per client")) == {
        c["client_name"]: f"{c['distinct_workers']} carer{'' if c['distinct_workers'] == 1 else 's'}, "
                          f"{fmt(c['regular_pct'], '%')} by regulars" for c in r["continuity"]["rows"]}

    for o in r["outcomes"]["rows"]:
        assert numbers(figure(page, f"{o['client_name']}: {o['outcome_title']}")) == {
            short_day(p["date"]): fmt(p["score"]) for p in o["points"]}


def test_coordinator_reads_their_own_kpis_for_a_chosen_period(open_context, app, tmp_path):
    world = seed_kpis()
    page = signed_in(open_context, world.alpha.coordinator)
    page.get_by_role("link", name="Reports and KPIs").click()
    expect(page.get_by_role("heading", name="Our KPIs: punctuality, delivery and continuity")).to_be_visible()

    # A named period fills in its dates: last month is the whole of the previous calendar month.
    today = utcnow().astimezone(ZoneInfo("Europe/London")).date()
    end = today.replace(day=1) - timedelta(days=1)
    page.get_by_label("Period", exact=True).select_option(label="Last month")
    expect(page.get_by_label("From", exact=True)).to_have_value(end.replace(day=1).isoformat())
    expect(page.get_by_label("To", exact=True)).to_have_value(end.isoformat())

    show_period(page, world.first, world.last)
    r = api_reports(page, {"date_from": world.first.isoformat(), "date_to": world.last.isoformat()})
    # Worked by hand (seed_kpis): Alpha's own contract only; Beta's visit is not the coordinator's to see.
    assert [c["reference"] for c in r["punctuality"]["filters"]["contracts"]] == ["N-A"]
    assert {k: r["punctuality"]["totals"][k] for k in ("due", "early", "on_time", "late", "missed", "on_time_pct")} == {
        "due": 7, "early": 1, "on_time": 3, "late": 1, "missed": 2, "on_time_pct": 42.9}
    assert_screen_matches(page, r)
    expect(figure(page, "Punctuality by week")).to_contain_text("Punctuality by week: 42.9% on time of 7 due")
    assert table_rows(page, "Each missed visit") == [
        ["Thu 5 Feb 09:00", "AlphaClient1", "Alpha Worker 1", "Client in hospital", "Admitted overnight", "Yes"],
        ["Fri 13 Feb 09:00", "AlphaClient1", "Alpha Worker 2", "No reason yet", "", "Open"],
    ]
    assert numbers(figure(page, "By client")) == {
        "AlphaClient2": "4.5% (1.3 of 28 h)",
        "AlphaClient1": "4.8% (1.3 of 28 h)",
    }
    assert numbers(figure(page, "Four-week flexible packages")) == {
        "AlphaClient2, Mon 2 Feb – Sun 1 Mar": "4.5% (1.3 of 28 h)"
    }
    assert numbers(figure(page, "Different carers per client")) == {
        "AlphaClient1": "2 carers, 100% by regulars",
        "AlphaClient2": "1 carer, 100% by regulars",
    }
    assert numbers(figure(page, "AlphaClient1: I can get to the shops")) == {
        "Mon 2 Feb": "2",
        "Tue 3 Feb": "3",
        "Wed 4 Feb": "4",
    }
    expect(figure(page, "AlphaClient2: I can get to the shops")).to_contain_text("Score 3 to 2 (-1), out of 5.")
    assert page.locator(".chart svg[role=img]").count() >= 12
    check_screen(page, "reports", "desktop")

    rows = list(
        csv.DictReader(io.StringIO(download(page, "Punctuality (CSV)", tmp_path).read_text(encoding="utf-8-sig")))
    )
    [total] = [row for row in rows if row["week"] == "total"]
    assert (total["due"], total["on_time"], total["missed"]) == ("7", "3", "2")
    expect(page.get_by_text("Downloaded caremon-punctuality-2026-02-02-2026-03-01.csv.")).to_be_visible()

    page.set_viewport_size(PHONE)
    expect(figure(page, "By client")).to_be_visible()
    check_screen(page, "reports", "phone")


def test_provider_admin_has_the_reports_screen_and_the_council_sees_both_providers(open_context, app):
    world = seed_kpis()
    page = signed_in(open_context, world.alpha.admin)
    page.get_by_role("link", name="Reports and KPIs").click()
    expect(page.get_by_role("heading", name="Our KPIs: punctuality, delivery and continuity")).to_be_visible()
    show_period(page, world.first, world.last)
    expect(figure(page, "Punctuality by week")).to_contain_text("of 7 due")

    page = signed_in(open_context, world.officer)
    show_period(page, world.first, world.last)
    r = api_reports(page, {"date_from": world.first.isoformat(), "date_to": world.last.isoformat()})
    assert [c["reference"] for c in r["punctuality"]["filters"]["contracts"]] == ["N-A", "N-B"]
    assert r["punctuality"]["totals"]["due"] == 8  # Alpha's 7 and Beta's one on-time visit
    assert_screen_matches(page, r)
    assert numbers(figure(page, "Delivered against commissioned hours")) == {
        "Alpha": "4.6% (2.6 of 56 h)", "Beta": "0.9% (0.5 of 56 h)"}
    check_screen(page, "council-kpis-period", "desktop")
    page.set_viewport_size(PHONE)
    check_screen(page, "council-kpis", "phone")
