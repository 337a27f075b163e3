"""The minimum-wage table in the settings: read in date order, and a typo stops the start naming the problem."""
from __future__ import annotations

from datetime import date

import pytest

from server.config import SettingsError, load_settings
from server.fairpay.days import MinimumWage
from server.fairpay.minimum_wage import minimum_wages


def test_the_shipped_table_is_the_national_living_wage():
    assert minimum_wages(load_settings(environ={})) == (
        MinimumWage(date(2024, 4, 1), 1144), MinimumWage(date(2025, 4, 1), 1221), MinimumWage(date(2026, 4, 1), 1271))


def test_the_environment_gives_the_list_as_json_in_any_order():
    settings = load_settings(environ={"CAREMON_MINIMUM_WAGE": '[{"from": "2027-04-01", "hourly_minor": 1300}, '
                                                              '{"from": "2026-04-01", "hourly_minor": 1271}]'})
    assert [w.starts_on for w in minimum_wages(settings)] == [date(2026, 4, 1), date(2027, 4, 1)]


@pytest.mark.parametrize("table, named", [
    ("not json", "not a JSON list"),
    ({"from": "2026-04-01"}, "a list"),
    ([{"from": "2026-04-01", "hourly": 1271}], "minimum_wage[0]: give exactly"),
    ([{"from": "1 April 2026", "hourly_minor": 1271}], "minimum_wage[0].from"),
    ([{"from": "2026-04-01", "hourly_minor": 12.71}], "minimum_wage[0].hourly_minor"),
    ([{"from": "2026-04-01", "hourly_minor": 0}], "minimum_wage[0].hourly_minor"),
    ([{"from": "2026-04-01", "hourly_minor": 1271}, {"from": "2026-04-01", "hourly_minor": 1300}], "same date"),
])
def test_a_bad_table_is_refused_naming_the_entry(table, named):
    with pytest.raises(SettingsError, match=named.replace("[", r"\[").replace("]", r"\]")):
        minimum_wages({"minimum_wage": table})


def test_the_app_does_not_start_with_a_bad_table():
    from server import create_app
    from tests.testdb import settings_for_tests

    with pytest.raises(SettingsError, match="hourly_minor"):
        create_app(settings_for_tests(minimum_wage=[{"from": date(2026, 4, 1), "hourly_minor": -5}]))
