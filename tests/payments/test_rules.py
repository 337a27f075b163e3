"""Payment rule-set files: the shipped sets say what the design says, and a bad file is refused at load.

A refusal must name the file, the key and the problem, so whoever edits a council's
rule set can fix it without reading the loader. Most files are written from a dict (VALID);
those with arrays of tables, as text (GOOD with one change).
"""
from __future__ import annotations

import copy
import dataclasses
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.payments.rules import (
    ACTIVITY_CATEGORIES,
    ACTUAL_ONLY_KEYS,
    DEFAULT_DIRECTORY,
    VISIT_TYPE_PATTERN,
    FixedFee,
    PeriodRule,
    Rates,
    RuleSet,
    RuleSetError,
    load_rule_set,
    load_rule_sets,
    rule_set_named,
)

SHIPPED = ("actual-by-minute", "banded", "commissioned", "flex-4-week", "guaranteed-85", "outcomes-top-slice",
           "scheduled-then-authorised", "unsociable-hours", "us-evv-15min", "weekly-budget")

VALID = {
    "description": "test set",
    "basis": "actual",
    "rounding_unit_minutes": 15,
    "rounding_direction": "down",
    "tolerance_minutes": 5,
    "tolerance_percent_of_planned": 95,
    "double_up_pay": "each",
    "cap_minutes_over_planned": 15,
    "minimum_minutes": 30,
    "pay_access_time": False,
    "paid_activity_categories": ["review"],
    "missing_checkout": "hold",
    "rates": {"hourly_pence": 2400, "weekend_multiplier": "1.25", "bank_holiday_multiplier": "1.5"},
    "period": {"kind": "guaranteed_minimum", "weeks": 4, "anchor": date(2026, 4, 6), "guaranteed_fraction": "0.85"},
}


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)


def toml_text(data: dict) -> str:
    """Enough of a TOML writer for these tests: scalars and arrays, then one level of tables."""
    lines = [f"{key} = {toml_value(value)}" for key, value in data.items() if not isinstance(value, dict)]
    for name, table in data.items():
        if isinstance(table, dict):
            lines += [f"[{name}]", *(f"{key} = {toml_value(value)}" for key, value in table.items())]
    return "\n".join(lines) + "\n"


def write(directory: Path, data: dict | str, name: str = "council-set") -> Path:
    path = directory / f"{name}.toml"
    path.write_text(data if isinstance(data, str) else toml_text(data))
    return path


def changed(key: str, value=None, remove: bool = False) -> dict:
    """VALID with one key (dotted for a table's key) set to a value, or removed."""
    data = copy.deepcopy(VALID)
    table, _, leaf = key.rpartition(".")
    target = data[table] if table else data
    if remove:
        del target[leaf]
    else:
        target[leaf] = value
    return data


# ---- the shipped files

def test_shipped_rule_sets_load_from_the_default_directory():
    assert DEFAULT_DIRECTORY == Path(__file__).resolve().parents[2] / "config" / "payment_rules"
    sets = load_rule_sets()
    assert tuple(sets) == SHIPPED
    assert all(rule_set.name == name for name, rule_set in sets.items())


def test_actual_by_minute_is_the_design_default():
    rules = load_rule_sets()["actual-by-minute"]
    assert (rules.basis, rules.rounding_unit_minutes, rules.minimum_minutes, rules.cap_minutes_over_planned,
            rules.tolerance_minutes, rules.period) == ("actual", 1, 30, 15, 0, None)
    assert (rules.rates.hourly_pence, rules.rates.bank_holiday_multiplier) == (2500, Decimal("1.5"))
    # Held until a coordinator resolves it; accepting it without a time pays the planned minutes.
    assert rules.missing_checkout == "planned_when_accepted"


def test_banded_is_fifteen_minute_bands_down_with_five_minutes_tolerance():
    rules = load_rule_sets()["banded"]
    assert (rules.basis, rules.rounding_unit_minutes, rules.rounding_direction, rules.tolerance_minutes,
            rules.cap_minutes_over_planned, rules.minimum_minutes) == ("actual", 15, "down", 5, 15, 15)


def test_commissioned_pays_planned_minutes():
    rules = load_rule_sets()["commissioned"]
    assert rules.basis == "planned"
    assert rules.cap_minutes_over_planned is None and rules.period is None


def test_period_rule_sets():
    sets = load_rule_sets()
    anchor = date(2026, 4, 6)
    assert sets["guaranteed-85"].period == PeriodRule("guaranteed_minimum", 4, anchor, Decimal("0.85"))
    assert sets["flex-4-week"].period == PeriodRule("flex", 4, anchor, None)


def test_money_in_shipped_sets_is_integer_pence_and_decimal_multipliers():
    for rules in load_rule_sets().values():
        assert type(rules.rates.hourly_pence) is int
        assert isinstance(rules.rates.weekend_multiplier, Decimal)
        assert isinstance(rules.rates.bank_holiday_multiplier, Decimal)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_key_in_a_shipped_file_is_explained_by_a_comment_above_it(name):
    lines = (DEFAULT_DIRECTORY / f"{name}.toml").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[a-z_]+\s*=", line):
            above = next(prior for prior in reversed(lines[:number]) if prior.strip())
            assert above.lstrip().startswith("#"), f"{name}.toml line {number + 1}: {line!r} has no comment"


def test_activity_categories_match_the_visit_model():
    from server.visits.models import ACTIVITY_CATEGORIES as MODEL_CATEGORIES

    assert ACTIVITY_CATEGORIES == MODEL_CATEGORIES


def test_visit_types_are_named_as_the_api_takes_them():
    from server.schemas import VISIT_TYPE_PATTERN as API_PATTERN

    assert VISIT_TYPE_PATTERN.pattern == API_PATTERN


def test_rule_set_is_frozen():
    rules = load_rule_sets()["actual-by-minute"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.minimum_minutes = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.rates.hourly_pence = 1


# ---- a valid file, and defaults

def test_valid_file_loads_with_every_key(tmp_path):
    rules = load_rule_set(write(tmp_path, VALID))
    assert rules == RuleSet(
        name="council-set",
        description="test set",
        basis="actual",
        rounding_unit_minutes=15,
        rounding_direction="down",
        tolerance_minutes=5,
        tolerance_percent_of_planned=95,
        cap_minutes_over_planned=15,
        minimum_minutes=30,
        pay_access_time=False,
        paid_activity_categories=frozenset({"review"}),
        missing_checkout="hold",
        rates=Rates(2400, Decimal("1.25"), Decimal("1.5")),
        period=PeriodRule("guaranteed_minimum", 4, date(2026, 4, 6), Decimal("0.85")),
    )


def test_optional_keys_take_neutral_defaults(tmp_path):
    data = {key: VALID[key] for key in ("basis", "minimum_minutes", "paid_activity_categories",
                                        "missing_checkout", "rates")}
    rules = load_rule_set(write(tmp_path, data))
    assert (rules.description, rules.rounding_unit_minutes, rules.rounding_direction, rules.tolerance_minutes,
            rules.cap_minutes_over_planned, rules.pay_access_time, rules.period) == ("", 1, "down", 0, None,
                                                                                     False, None)


def test_flex_period_needs_no_fraction(tmp_path):
    rules = load_rule_set(write(tmp_path, changed("period", {"kind": "flex", "weeks": 4, "anchor": date(2026, 4, 6)})))
    assert rules.period == PeriodRule("flex", 4, date(2026, 4, 6))


def test_load_rule_sets_reads_an_overriding_directory(tmp_path):
    write(tmp_path, VALID, "one")
    write(tmp_path, changed("minimum_minutes", 15), "two")
    (tmp_path / "notes.txt").write_text("not a rule set")
    sets = load_rule_sets(tmp_path)
    assert sorted(sets) == ["one", "two"]
    assert sets["two"].minimum_minutes == 15


# ---- refusals: file, key and problem named

BAD = [
    pytest.param(changed("minimun_minutes", 30), "minimun_minutes", "unknown key", id="unknown-key"),
    pytest.param(changed("rates.sunday_multiplier", "2"), "rates.sunday_multiplier", "unknown key",
                 id="unknown-key-in-rates"),
    pytest.param(changed("period.bonus", 1), "period.bonus", "unknown key", id="unknown-key-in-period"),
    pytest.param(changed("minimum_minutes", -5), "minimum_minutes", "must not be negative, got -5",
                 id="negative-minimum"),
    pytest.param(changed("tolerance_minutes", -1), "tolerance_minutes", "must not be negative",
                 id="negative-tolerance"),
    pytest.param(changed("cap_minutes_over_planned", -15), "cap_minutes_over_planned", "must not be negative",
                 id="negative-cap"),
    pytest.param(changed("rounding_unit_minutes", 0), "rounding_unit_minutes", "must be at least 1",
                 id="zero-rounding-unit"),
    pytest.param(changed("rounding_direction", "sideways"), "rounding_direction",
                 "must be one of 'up', 'down', 'nearest', got 'sideways'", id="bad-rounding-mode"),
    pytest.param(changed("basis", "hours"), "basis", "must be one of 'actual', 'planned'", id="bad-basis"),
    pytest.param(changed("missing_checkout", "pay"), "missing_checkout",
                 "must be one of 'hold', 'planned_when_accepted', got 'pay'",
                 id="missing-checkout-paid"),
    pytest.param(changed("minimum_minutes", "30"), "minimum_minutes", "must be a whole number, got a string",
                 id="string-for-int"),
    pytest.param(changed("minimum_minutes", 30.0), "minimum_minutes", "must be a whole number, got a decimal",
                 id="float-for-int"),
    pytest.param(changed("cap_minutes_over_planned", True), "cap_minutes_over_planned",
                 "must be a whole number, got true or false", id="bool-for-int"),
    pytest.param(changed("pay_access_time", "yes"), "pay_access_time", "must be true or false",
                 id="string-for-bool"),
    pytest.param(changed("description", 7), "description", "must be a string", id="int-for-string"),
    pytest.param(changed("rates.hourly_pence", 24.5), "rates.hourly_pence", "must be a whole number",
                 id="float-rate"),
    pytest.param(changed("rates.hourly_pence", 0), "rates.hourly_pence", "must be at least 1", id="zero-rate"),
    pytest.param(changed("rates.weekend_multiplier", 1.5), "rates.weekend_multiplier", "never a float",
                 id="float-multiplier"),
    pytest.param(changed("rates.weekend_multiplier", "one and a half"), "rates.weekend_multiplier",
                 "got 'one and a half'", id="unparsable-multiplier"),
    pytest.param(changed("rates.bank_holiday_multiplier", "NaN"), "rates.bank_holiday_multiplier",
                 "must be a finite number", id="nan-multiplier"),
    pytest.param(changed("rates.bank_holiday_multiplier", "0.9"), "rates.bank_holiday_multiplier",
                 "must be at least 1", id="multiplier-below-one"),
    pytest.param(changed("paid_activity_categories", "review"), "paid_activity_categories",
                 "must be an array of category names", id="string-for-list"),
    pytest.param(changed("paid_activity_categories", ["review", "gardening"]), "paid_activity_categories",
                 "unknown category 'gardening'", id="unknown-category"),
    pytest.param(changed("paid_activity_categories", ["review", "review"]), "paid_activity_categories",
                 "more than once", id="duplicate-category"),
    pytest.param(changed("basis", remove=True), "basis", "missing (required)", id="missing-basis"),
    pytest.param(changed("rates", remove=True), "rates", "missing (required)", id="missing-rates"),
    pytest.param(changed("rates", 2400), "rates", "must be a table", id="rates-not-a-table"),
    pytest.param(changed("rates.hourly_pence", remove=True), "rates.hourly_minor", "missing (required)",
                 id="missing-rate"),
    pytest.param(changed("period.kind", "bonus"), "period.kind", "must be one of 'guaranteed_minimum', 'flex'",
                 id="bad-period-kind"),
    pytest.param(changed("period.weeks", 0), "period.weeks", "must be at least 1", id="zero-weeks"),
    pytest.param(changed("period.weeks", remove=True), "period.weeks", "missing (required)", id="missing-weeks"),
    pytest.param(changed("period.anchor", remove=True), "period.anchor", "missing (required)", id="missing-anchor"),
    pytest.param(changed("period.anchor", "2026-04-06"), "period.anchor", "must be a date written as YYYY-MM-DD",
                 id="quoted-anchor"),
    pytest.param(changed("period.guaranteed_fraction", "1.2"), "period.guaranteed_fraction",
                 "must be above 0 and at most 1", id="fraction-above-one"),
    pytest.param(changed("period.guaranteed_fraction", "0"), "period.guaranteed_fraction",
                 "must be above 0 and at most 1", id="fraction-zero"),
    pytest.param(changed("period.guaranteed_fraction", remove=True), "period.guaranteed_fraction",
                 "missing (required)", id="missing-fraction"),
    pytest.param(changed("period", {"kind": "flex", "weeks": 4, "anchor": date(2026, 4, 6),
                                    "guaranteed_fraction": "0.85"}),
                 "period.guaranteed_fraction", 'applies only when kind is "guaranteed_minimum"',
                 id="fraction-on-flex"),
]


@pytest.mark.parametrize("data,key,problem", BAD)
def test_bad_file_is_refused_naming_file_key_and_problem(tmp_path, data, key, problem):
    path = write(tmp_path, data)
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"key '{key}'" in message
    assert problem in message
    assert (caught.value.path, caught.value.key) == (str(path), key)


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


@pytest.mark.parametrize("change, key, problem", [
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
def test_a_bad_file_written_as_text_is_refused_naming_file_key_and_problem(tmp_path, change, key, problem):
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


def test_fixed_fees_load_by_visit_type(tmp_path):
    path = tmp_path / "council-set.toml"
    path.write_text(toml_text(VALID) + "[fixed_fees.sleep_in]\namount_minor = 9000\n"
                    "[fixed_fees.medication_prompt]\namount_minor = 850\nminutes = 15\n")
    assert load_rule_set(path).fixed_fees == {"sleep_in": FixedFee("sleep_in", 9000),
                                              "medication_prompt": FixedFee("medication_prompt", 850, 15)}


FIXED_FEE_BAD = [
    pytest.param("[fixed_fees.sleep_in]\namount_minor = 9000\nmultiplier = \"1.5\"\n", "fixed_fees.sleep_in.multiplier",
                 "unknown key (allowed: amount_minor, minutes)", id="unknown-key-in-fixed-fee"),
    pytest.param("[fixed_fees.Sleep-In]\namount_minor = 9000\n", "fixed_fees.Sleep-In",
                 "a visit type is lower-case letters, digits and _", id="bad-visit-type"),
    pytest.param("[fixed_fees.sleep_in]\nminutes = 600\n", "fixed_fees.sleep_in.amount_minor", "missing (required)",
                 id="missing-amount"),
    pytest.param("[fixed_fees.sleep_in]\namount_minor = 90.0\n", "fixed_fees.sleep_in.amount_minor",
                 "must be a whole number, got a decimal", id="float-amount"),
    pytest.param("[fixed_fees.sleep_in]\namount_minor = 0\n", "fixed_fees.sleep_in.amount_minor",
                 "must be at least 1, got 0", id="zero-amount"),
    pytest.param("[fixed_fees.sleep_in]\namount_minor = 9000\nminutes = -1\n", "fixed_fees.sleep_in.minutes",
                 "must not be negative", id="negative-minutes"),
    pytest.param("[fixed_fees]\nsleep_in = 9000\n", "fixed_fees.sleep_in", "must be a table", id="fee-not-a-table"),
]


@pytest.mark.parametrize("text,key,problem", FIXED_FEE_BAD)
def test_a_bad_fixed_fee_is_refused_naming_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "council-set.toml"
    path.write_text(toml_text(VALID) + text)
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(path)
    assert (caught.value.path, caught.value.key) == (str(path), key)
    assert problem in str(caught.value) and str(path) in str(caught.value)


@pytest.mark.parametrize("period", [
    {"kind": "flex", "weeks": 4, "anchor": date(2026, 4, 6)},
    {**VALID["period"], "cap_at_commissioned": True},
])
def test_fixed_fees_cannot_be_combined_with_a_period_that_cuts_minutes(tmp_path, period):
    path = tmp_path / "council-set.toml"
    path.write_text(toml_text(changed("period", period)) + "[fixed_fees.sleep_in]\namount_minor = 9000\n")
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(path)
    assert caught.value.key == "fixed_fees" and "cuts the minutes past the commissioned total" in caught.value.problem


def test_fixed_fees_cannot_be_combined_with_unit_billing(tmp_path):
    data = {key: value for key, value in VALID.items() if key != "period"}
    path = tmp_path / "council-set.toml"
    path.write_text(toml_text(data) + "[service_codes.T1019]\nunit_minutes = 15\nunit_rate_pence = 600\n"
                    "unit_rounding = \"complete_units\"\n[fixed_fees.sleep_in]\namount_minor = 9000\n")
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(path)
    assert caught.value.key == "fixed_fees" and "unit billing" in caught.value.problem


@pytest.mark.parametrize("key", ACTUAL_ONLY_KEYS)
def test_planned_basis_refuses_every_actual_only_key(tmp_path, key):
    """Measuring keys would be silently ignored under a planned basis, so they are refused, even neutral ones."""
    planned = {k: v for k, v in changed("basis", "planned").items() if k not in ACTUAL_ONLY_KEYS}
    path = write(tmp_path, {**planned, key: VALID[key]})
    with pytest.raises(RuleSetError, match=f"key '{key}': applies only when basis is \"actual\""):
        load_rule_set(path)
    assert load_rule_set(write(tmp_path, planned)).basis == "planned"


def test_invalid_toml_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('basis = "actual"\nminimum_minutes = \n')
    with pytest.raises(RuleSetError, match="is not valid TOML") as caught:
        load_rule_set(path)
    assert str(path) in str(caught.value)


def test_a_file_name_that_cannot_be_a_rule_set_name_is_refused(tmp_path):
    path = write(tmp_path, VALID, "Council Set")
    with pytest.raises(RuleSetError, match="file name must be lower-case"):
        load_rule_set(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(RuleSetError, match="cannot be read"):
        load_rule_set(tmp_path / "absent.toml")


def test_one_bad_file_refuses_the_directory_naming_it(tmp_path):
    write(tmp_path, VALID, "good")
    bad = write(tmp_path, changed("rounding_direction", "sideways"), "bad")
    with pytest.raises(RuleSetError) as caught:
        load_rule_sets(tmp_path)
    assert str(bad) in str(caught.value) and "rounding_direction" in str(caught.value)


def test_missing_directory_is_refused(tmp_path):
    with pytest.raises(RuleSetError, match="is not a directory"):
        load_rule_sets(tmp_path / "nowhere")


def test_rule_set_named_reads_the_named_file():
    assert rule_set_named("banded") == load_rule_sets()["banded"]
    assert rule_set_named("banded", DEFAULT_DIRECTORY) is rule_set_named("banded", DEFAULT_DIRECTORY)


@pytest.mark.parametrize("name", ["no-such-set", "../actual-by-minute"])
def test_rule_set_named_refuses_an_unknown_name(tmp_path, name):
    with pytest.raises(RuleSetError, match="no such payment rule set"):
        rule_set_named(name, tmp_path)


def test_an_unknown_rule_set_name_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(RuleSetError, match="no such payment rule set") as caught:
        rule_set_named("hourly-plus", tmp_path)
    assert caught.value.path == str(tmp_path / "hourly-plus.toml")
    with pytest.raises(RuleSetError, match="bad name"):
        rule_set_named("../etc/passwd", tmp_path)


# ---- unit billing

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
    assert (us.service_codes["T1019"].unit_minutes, us.service_codes["T1019"].unit_rounding) == (
        15,
        "eight_minute_rule",
    )
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
