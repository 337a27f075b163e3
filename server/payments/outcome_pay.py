"""Payment by outcomes: a top-slice of a period's payment retained and released against outcome measures.

Pure, like engine.py: counts go in (how many cases each measure had and how many met it, gathered by
server/outcomes/payment_facts.py), amounts and an explanation come out, with no database. Money is
whole minor units (pence, cents) computed with integers and exact Decimals; no float touches it.

For one provider's period under a rule set's [outcome_payments]:
  retained   top_slice_percent of the period's payment, rounded half-up (nothing of a payment of 0 or less)
  shares     the retained amount split between the measures in proportion to their weights, by the
             largest remainder, so the shares add up to the retained amount exactly whatever the weights
             (weights 1:1 and 50:50 split alike)
  result     per measure, met / cases as a percentage; a measure meets its target when
             met x 100 >= target_percent x cases (exact, no rounding)
  released   on_target: the whole share when the target is met, else nothing;
             pro_rata: share x result / target rounded down, never more than the share;
             a measure with no cases in the period has nothing to judge and releases its share
  withheld   retained - released: what the council keeps for the period
So retained = released + withheld, every amount is 0 or more, and released <= retained.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from server.payments.rules import OutcomeMeasureRule, OutcomePaymentRule

ONE_DP = Decimal("0.1")


@dataclass(frozen=True)
class MeasureCount:
    """How many cases a measure had in the period and how many of them met it."""

    cases: int
    met: int

    def __post_init__(self):
        if not 0 <= self.met <= self.cases:
            raise ValueError(f"met ({self.met}) must be between 0 and cases ({self.cases})")


@dataclass(frozen=True)
class MeasureResult:
    name: str
    target_percent: Decimal
    weight: int
    release: str
    cases: int
    met: int
    result_percent: Decimal | None
    target_met: bool | None
    share_minor: int
    released_minor: int
    note: str

    @property
    def withheld_minor(self) -> int:
        return self.share_minor - self.released_minor


@dataclass(frozen=True)
class OutcomePayment:
    """A period's outcome payment: what was held back, what each measure released, and why."""

    paid_minor: int
    top_slice_percent: Decimal
    retained_minor: int
    released_minor: int
    withheld_minor: int
    measures: tuple[MeasureResult, ...]
    explanation: tuple[str, ...]

    @property
    def payable_minor(self) -> int:
        """The period's payment less what is withheld: what the provider is paid in the end."""
        return self.paid_minor - self.withheld_minor


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def retained_of(paid_minor: int, top_slice_percent: Decimal) -> int:
    """The top-slice of a payment; a period that paid nothing, or was a net refund, retains nothing."""
    return half_up(Decimal(max(paid_minor, 0)) * top_slice_percent / 100) if paid_minor > 0 else 0


def shares(total: int, weights: Iterable[int]) -> list[int]:
    """total split in proportion to weights, by the largest remainder (ties to the earlier), summing to total."""
    weights = list(weights)
    whole = sum(weights)
    if whole <= 0 or any(w <= 0 for w in weights):
        raise ValueError("weights must be positive")
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[:total - sum(parts)]:
        parts[i] += 1
    return parts


def target_met(count: MeasureCount, target_percent: Decimal) -> bool:
    return count.met * 100 >= target_percent * count.cases


def _percent(count: MeasureCount) -> Decimal:
    return (Decimal(count.met * 100) / count.cases).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def _released(rule: OutcomeMeasureRule, count: MeasureCount, share: int) -> tuple[int, str]:
    if count.cases == 0:
        return share, "no cases in the period: nothing to judge, share released"
    result = _percent(count)
    said = f"{count.met} of {count.cases} ({result}%) against a target of {rule.target_percent}%"
    if target_met(count, rule.target_percent):
        return share, f"{said}: target met, share released"
    if rule.release == "on_target":
        return 0, f"{said}: target missed, share withheld"
    released = int((Decimal(share * count.met * 100) / (rule.target_percent * count.cases))
                   .to_integral_value(rounding=ROUND_DOWN))
    how = f"{said}: released pro rata, {count.met * 100} / ({rule.target_percent} x {count.cases}) of the share"
    return min(released, share), f"{how}, rounded down"


def outcome_payment(rule: OutcomePaymentRule, paid_minor: int,
                    counts: Mapping[str, MeasureCount]) -> OutcomePayment:
    """The top-slice retained from paid_minor and released per measure; a measure without counts has no cases."""
    retained = retained_of(paid_minor, rule.top_slice_percent)
    explanation = [f"retained {rule.top_slice_percent}% of {paid_minor} = {retained} (rounded half-up)"
                   if paid_minor > 0 else f"nothing retained: the period paid {paid_minor}"]
    split = shares(retained, (m.weight for m in rule.measures))
    weight_total = sum(m.weight for m in rule.measures)
    results = []
    for measure, share in zip(rule.measures, split):
        count = counts.get(measure.name, MeasureCount(0, 0))
        released, note = _released(measure, count, share)
        result = _percent(count) if count.cases else None
        results.append(MeasureResult(
            name=measure.name, target_percent=measure.target_percent, weight=measure.weight,
            release=measure.release, cases=count.cases, met=count.met, result_percent=result,
            target_met=target_met(count, measure.target_percent) if count.cases else None,
            share_minor=share, released_minor=released, note=note))
        explanation.append(f"{measure.name}: weight {measure.weight} of {weight_total}, share {share}; {note}: "
                           f"released {released}")
    released_total = sum(r.released_minor for r in results)
    explanation.append(f"released {released_total}, withheld {retained - released_total}")
    return OutcomePayment(paid_minor, rule.top_slice_percent, retained, released_total, retained - released_total,
                          tuple(results), tuple(explanation))


def held_or_improved(pairs: Iterable[tuple[int, int]]) -> bool | None:
    """Whether a client's outcome scores held or improved: every (baseline, latest) pair has latest >= baseline.

    None when the client has no pair to compare (a single score tells nothing of a trend).
    """
    pairs = list(pairs)
    if not pairs:
        return None
    return all(latest >= baseline for baseline, latest in pairs)
