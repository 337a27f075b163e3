"""What every benchmark returns, and the one table (and JSON file) the harness prints from it.

A figure is judged against a floor measured in the same run on the same machine, so a
slow or busy machine moves both and the ratio stays meaningful.
"""
from __future__ import annotations

import argparse
import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Result:
    """One measurement: Caremon's figure, the floor's, and the target the ratio must meet.

    `higher_is_better` says which way the ratio counts: throughput targets want
    caremon/floor >= target, time targets want caremon/floor <= target. `limit` bounds
    the figure itself (a latency budget: no more than limit), beside any ratio. A result
    with neither is reported only (passed None).
    """

    measurement: str
    caremon: float
    unit: str
    floor: float | None = None
    target: float | None = None
    higher_is_better: bool = True
    limit: float | None = None
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.caremon / self.floor

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.target is not None and self.ratio is not None:
            checks.append(self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target)
        if self.limit is not None:
            checks.append(self.caremon <= self.limit)
        return all(checks) if checks else None

    def target_text(self) -> str:
        texts = []
        if self.target is not None:
            texts.append(f"{'>=' if self.higher_is_better else '<='} {self.target:g}x")
        if self.limit is not None:
            texts.append(f"<= {self.limit:g} {self.unit}")
        return ", ".join(texts) or "report"

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio, "passed": self.passed, "target_text": self.target_text()}


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def table(results: list[Result]) -> str:
    """A plain-text table: measurement, Caremon, floor, ratio, target, pass/fail."""
    head = ("measurement", "caremon", "floor", "unit", "ratio", "target", "result")
    rows = [head] + [
        (r.measurement, _number(r.caremon), _number(r.floor), r.unit,
         "-" if r.ratio is None else f"{r.ratio:.2f}", r.target_text(),
         {True: "pass", False: "FAIL", None: "-"}[r.passed])
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_json(results: list[Result], name: str = "bench") -> Path:
    """Writes tests/bench/results/<name>.json with the machine it ran on."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps({
        "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "results": [r.as_dict() for r in results],
    }, indent=2, default=str))
    return path


def standalone(measure, name: str, description: str, extra=None) -> None:
    """`python tests/bench/bench_<name>.py [--quick]`: one benchmark's table, written to results/<name>.json."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true")
    results = measure(parser.parse_args().quick)
    print(table(results))
    if extra is not None:
        extra(results)
    print(f"written to {write_json(results, name)}")
