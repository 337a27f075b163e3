"""Rule-set files: the shipped ones load, and a file with any error is refused naming file, key and problem."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from server.payments import rules as rules_module
from server.payments.rules import DEFAULT_DIRECTORY, RuleSetError, load_rule_set, load_rule_sets, rule_set_named
from server.visits.models import ACTIVITY_CATEGORIES

GOOD = """\
basis = "actual"
minimum_minutes = 30
cap_minutes_over_planned = 15
missing_checkout = "hold"
paid_activity_categories = ["review"]

[rates]
hourly_pence = 2500
weekend_multiplier = "1.2"
bank_holiday_multiplier = "1.5"
"""


def write(tmp_path: Path, text: str, name: str = "council-rules") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def test_every_shipped_rule_set_loads():
    loaded = load_rule_sets()
    assert {"actual-by-minute", "commissioned", "banded", "guaranteed-85", "flex-4-week"} <= set(loaded)
    abm = loaded["actual-by-minute"]
    assert (abm.basis, abm.minimum_minutes, abm.cap_minutes_over_planned, abm.rounding_unit_minutes) == \
        ("actual", 30, 15, 1)
    assert abm.rates.hourly_pence == 2500 and abm.rates.bank_holiday_multiplier == Decimal("1.5")
    assert loaded["guaranteed-85"].period.guaranteed_fraction == Decimal("0.85")
    assert loaded["flex-4-week"].period.kind == "flex" and loaded["flex-4-week"].period.weeks == 4
    assert loaded["commissioned"].basis == "planned"
    assert (loaded["banded"].rounding_unit_minutes, loaded["banded"].tolerance_minutes) == (15, 5)


def test_every_shipped_file_is_documented_in_place():
    for path in DEFAULT_DIRECTORY.glob("*.toml"):
        lines = path.read_text().splitlines()
        keys = [line.split("=")[0].strip() for line in lines if "=" in line and not line.startswith(("#", " "))]
        for key in keys:
            above = lines[lines.index(next(line for line in lines if line.split("=")[0].strip() == key)) - 1]
            assert above.startswith("#") or above.startswith("["), f"{path.name}: {key} has no comment above it"


def test_categories_match_the_visit_model():
    assert rules_module.ACTIVITY_CATEGORIES == ACTIVITY_CATEGORIES


def test_a_good_file_loads(tmp_path):
    loaded = load_rule_set(write(tmp_path, GOOD))
    assert loaded.name == "council-rules" and loaded.paid_activity_categories == frozenset({"review"})


@pytest.mark.parametrize("change, key, problem", [
    (("basis = \"actual\"", "basis = \"actual\"\nrounding = 5"), "rounding", "unknown key"),
    (("hourly_pence = 2500", "hourly_pence = 2500\novertime = \"2\""), "rates.overtime", "unknown key"),
    (("minimum_minutes = 30", "minimum_minutes = -5"), "minimum_minutes", "must not be negative, got -5"),
    (("minimum_minutes = 30", "minimum_minutes = 30\nrounding_direction = \"sideways\""), "rounding_direction",
     "must be one of 'up', 'down', 'nearest', got 'sideways'"),
    (("minimum_minutes = 30", "minimum_minutes = \"30\""), "minimum_minutes", "must be a whole number, got a string"),
    (("minimum_minutes = 30", "minimum_minutes = true"), "minimum_minutes", "must be a whole number, got true or false"),
    (("minimum_minutes = 30", "minimum_minutes = 30.0"), "minimum_minutes", "must be a whole number, got a decimal"),
    (("weekend_multiplier = \"1.2\"", "weekend_multiplier = 1.2"), "rates.weekend_multiplier",
     "never a float"),
    (("weekend_multiplier = \"1.2\"", "weekend_multiplier = \"0.9\""), "rates.weekend_multiplier",
     "must be at least 1"),
    (("hourly_pence = 2500", "hourly_pence = 0"), "rates.hourly_pence", "must be at least 1"),
    (("paid_activity_categories = [\"review\"]", "paid_activity_categories = [\"gardening\"]"),
     "paid_activity_categories", "unknown category 'gardening'"),
    (("missing_checkout = \"hold\"", "missing_checkout = \"pay\""), "missing_checkout", "must be one of"),
    (("missing_checkout = \"hold\"\n", ""), "missing_checkout", "missing (required)"),
    (("basis = \"actual\"", "basis = \"planned\""), "cap_minutes_over_planned", 'applies only when basis is "actual"'),
    (("minimum_minutes = 30", "minimum_minutes = 30\nrounding_unit_minutes = 0"), "rounding_unit_minutes",
     "must be at least 1"),
    (("[rates]", "[period]\nkind = \"flex\"\nweeks = 4\nanchor = \"2026-04-06\"\n\n[rates]"), "period.anchor",
     "must be a date"),
    (("[rates]", "[period]\nkind = \"flex\"\nweeks = 4\nanchor = 2026-04-06\nguaranteed_fraction = \"0.8\"\n\n[rates]"),
     "period.guaranteed_fraction", 'applies only when kind is "guaranteed_minimum"'),
    (("[rates]", "[period]\nkind = \"guaranteed_minimum\"\nweeks = 4\nanchor = 2026-04-06\n"
                 "guaranteed_fraction = \"1.5\"\n\n[rates]"), "period.guaranteed_fraction", "at most 1"),
    (("[rates]", "[period]\nkind = \"monthly\"\n\n[rates]"), "period.kind", "must be one of"),
    (("minimum_minutes = 30", "minimum_minutes = 30\ntolerance_percent_of_planned = 120"),
     "tolerance_percent_of_planned", "must be at most 100"),
    (("minimum_minutes = 30", "minimum_minutes = 30\ndouble_up_pay = \"both\""), "double_up_pay", "must be one of"),
    (("hourly_pence = 2500", "hourly_pence = 2500\nhourly_minor = 2500"), "rates.hourly_pence", "not both"),
    (("hourly_pence = 2500", "hourly_pence = 2500\nband_by = \"minute\""), "rates.band_by",
     "applies only when bands are given"),
    (("bank_holiday_multiplier = \"1.5\"", "bank_holiday_multiplier = \"1.5\"\n[[rates.bands]]\nname = \"night\"\n"
      "from = \"22:00\"\nto = \"7:00\"\nmultiplier = \"1.3\""), "rates.bands[0].to", 'must be a local time "HH:MM"'),
    (("bank_holiday_multiplier = \"1.5\"", "bank_holiday_multiplier = \"1.5\"\n[[rates.bands]]\nname = \"night\"\n"
      "from = \"22:00\"\nto = \"07:00\"\nmultiplier = \"1.3\"\nsurcharge = 1"), "rates.bands[0].surcharge",
     "unknown key"),
    (("bank_holiday_multiplier = \"1.5\"", "bank_holiday_multiplier = \"1.5\"\n"
      "[[rates.bands]]\nname = \"night\"\nfrom = \"22:00\"\nto = \"07:00\"\nmultiplier = \"1.3\"\n"
      "[[rates.bands]]\nname = \"early\"\nfrom = \"06:00\"\nto = \"08:00\"\nmultiplier = \"1.1\""),
     "rates.bands[1]", "overlaps band 'night'"),
    (("[rates]", "[frustrated]\npay = \"fixed\"\nreasons = [\"no_access\"]\n\n[rates]"), "frustrated.fixed_minor",
     "missing (required)"),
    (("[rates]", "[frustrated]\npay = \"planned\"\nreasons = []\n\n[rates]"), "frustrated.reasons",
     "non-empty array"),
    (("[rates]", "[period]\nkind = \"raise_to_authorised\"\nweeks = 4\nanchor = 2026-04-06\n"
                 "authorised_fraction = \"0.9\"\n\n[rates]"), "cap_minutes_over_planned",
     'must be 0 under period kind "raise_to_authorised"'),
    (("[rates]", "[period]\nkind = \"flex\"\nweeks = 4\nanchor = 2026-04-06\ncap_at_commissioned = true\n\n[rates]"),
     "period.cap_at_commissioned", 'applies only when kind is "guaranteed_minimum"'),
])
def test_a_bad_file_is_refused_naming_file_key_and_problem(tmp_path, change, key, problem):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(path)
    error = caught.value
    assert (error.path, error.key) == (str(path), key)
    assert problem in error.problem
    assert str(path) in str(error) and f"'{key}'" in str(error)


def test_hourly_minor_is_the_newer_name_of_hourly_pence(tmp_path):
    loaded = load_rule_set(write(tmp_path, GOOD.replace("hourly_pence", "hourly_minor")))
    assert loaded.rates.hourly_minor == loaded.rates.hourly_pence == 2500


def test_invalid_toml_and_bad_file_names_are_refused(tmp_path):
    with pytest.raises(RuleSetError, match="not valid TOML"):
        load_rule_set(write(tmp_path, "basis = "))
    with pytest.raises(RuleSetError, match="file name"):
        load_rule_set(write(tmp_path, GOOD, name="Bad Name"))


def test_an_unknown_rule_set_name_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(RuleSetError, match="no such payment rule set") as caught:
        rule_set_named("hourly-plus", tmp_path)
    assert caught.value.path == str(tmp_path / "hourly-plus.toml")
    with pytest.raises(RuleSetError, match="bad name"):
        rule_set_named("../etc/passwd", tmp_path)


def test_one_bad_file_fails_the_whole_directory(tmp_path):
    write(tmp_path, GOOD, name="fine")
    write(tmp_path, GOOD.replace("minimum_minutes = 30", "minimum_minutes = -1"), name="broken")
    with pytest.raises(RuleSetError, match="broken.toml"):
        load_rule_sets(tmp_path)


UNITS = GOOD.replace("cap_minutes_over_planned = 15\n", "") + """
[service_codes.T1019]
unit_minutes = 15
unit_rate_pence = 612
unit_rounding = "eight_minute_rule"

[visit_maintenance]
window_days = 95
reason_codes = ["device_malfunction"]
"""


def test_the_us_rule_set_bills_by_service_code():
    us = rule_set_named("us-evv-15min")
    assert (us.service_codes["T1019"].unit_minutes, us.service_codes["T1019"].unit_rounding) == (15, "eight_minute_rule")
    assert us.service_codes["S5130"].carry_over == "month"
    assert us.visit_maintenance.window_days == 95


@pytest.mark.parametrize("change, key, problem", [
    (("unit_minutes = 15", "unit_minutes = 15\nunits = 4"), "service_codes.T1019.units", "unknown key"),
    (("unit_minutes = 15", "unit_minutes = 0"), "service_codes.T1019.unit_minutes", "must be at least 1"),
    (("unit_rounding = \"eight_minute_rule\"", "unit_rounding = \"seven_minute_rule\""),
     "service_codes.T1019.unit_rounding", "must be one of 'eight_minute_rule', 'complete_units'"),
    (("unit_rate_pence = 612", "unit_rate_pence = 6.12"), "service_codes.T1019.unit_rate_pence", "whole number"),
    (("unit_rate_pence = 612", ""), "service_codes.T1019.unit_rate_pence", "missing (required)"),
    (("unit_minutes = 15", "unit_minutes = 15\ncarry_over = \"year\""), "service_codes.T1019.carry_over",
     "must be one of 'none', 'day', 'week', 'month'"),
    (("[service_codes.T1019]", "[service_codes.\"T 1019\"]"), "service_codes.T 1019", "a service code is"),
    (("window_days = 95", "window_days = 0"), "visit_maintenance.window_days", "must be at least 1"),
    (("reason_codes = [\"device_malfunction\"]", "reason_codes = []"), "visit_maintenance.reason_codes",
     "must list at least one code"),
    (("reason_codes = [\"device_malfunction\"]", "reason_codes = [\"a\", \"a\"]"), "visit_maintenance.reason_codes",
     "lists a code more than once"),
    (("window_days = 95", "window_days = 95\ngrace_days = 3"), "visit_maintenance.grace_days", "unknown key"),
])
def test_a_unit_billing_key_in_error_is_named(tmp_path, change, key, problem):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(write(tmp_path, UNITS.replace(*change)))
    assert caught.value.key == key and problem in caught.value.problem


def test_unit_billing_and_a_period_rule_do_not_mix(tmp_path):
    text = UNITS + '\n[period]\nkind = "flex"\nweeks = 4\nanchor = 2026-01-05\n'
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(write(tmp_path, text))
    assert caught.value.key == "service_codes"
