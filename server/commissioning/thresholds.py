"""The risk ranking's KPIs, their amber and red lines, and the Green/Amber/Red verdict: pure, no database.

Each KPI says which way is worse. For "higher" KPIs (missed and late shares, open exceptions, undelivered
messages) a value at or above a line reaches it; for "lower" ones (verified share, regular-carer share,
delivered against commissioned, family rating) a value below a line reaches it. A KPI with no value (nothing
to measure in the period) is "none" and does not count. A provider's rating is the worst of its KPIs.
"""
from __future__ import annotations

from dataclasses import dataclass

from server.i18n import N_

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
SEVERITY = {NONE: -1, GREEN: 0, AMBER: 1, RED: 2}


@dataclass(frozen=True)
class Kpi:
    name: str
    worse: str  # "higher" or "lower"


KPIS = (
    Kpi("missed_pct", "higher"), Kpi("late_pct", "higher"), Kpi("verified_pct", "lower"),
    Kpi("regular_pct", "lower"), Kpi("delivered_pct", "lower"), Kpi("family_rating", "lower"),
    Kpi("open_exceptions", "higher"), Kpi("undelivered_messages", "higher"),
)
BY_NAME = {k.name: k for k in KPIS}


def defaults(settings: dict) -> dict[str, dict[str, float]]:
    """The lines from the settings (risk_<kpi>_amber, risk_<kpi>_red)."""
    return {k.name: {"amber": float(settings[f"risk_{k.name}_amber"]), "red": float(settings[f"risk_{k.name}_red"])}
            for k in KPIS}


def effective(settings: dict, own: dict | None) -> dict[str, dict[str, float]]:
    """The defaults with a contract's own lines over them, KPI by KPI."""
    lines = defaults(settings)
    for name, pair in (own or {}).items():
        if name in lines:
            lines[name] = {"amber": float(pair["amber"]), "red": float(pair["red"])}
    return lines


def problem(name: str, amber: float, red: float) -> str | None:
    """Why a pair of lines cannot work, or None: red must be at least as bad as amber."""
    if BY_NAME[name].worse == "higher" and red < amber:
        return N_("red must be at or above amber: more is worse for this KPI")
    if BY_NAME[name].worse == "lower" and red > amber:
        return N_("red must be at or below amber: less is worse for this KPI")
    return None


def rate(name: str, value: float | None, lines: dict[str, float]) -> str:
    if value is None:
        return NONE
    if BY_NAME[name].worse == "higher":
        return RED if value >= lines["red"] else AMBER if value >= lines["amber"] else GREEN
    return RED if value < lines["red"] else AMBER if value < lines["amber"] else GREEN


def overall(ratings: list[str]) -> str:
    """The worst rating among the KPIs; none when nothing could be measured (no visits, so no verdict)."""
    return max(ratings, key=SEVERITY.__getitem__, default=NONE)
