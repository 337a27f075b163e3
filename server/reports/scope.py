"""Which contracts a report covers, for whom, over which local dates; and the envelope every report shares."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from server.auth.tenancy import Identity
from server.directory.models import Contract
from server.directory.tenancy import covered_contracts
from server.reports.periods import Period
from server.visits.models import Visit
from server.visits.queries import has_flag, tenant_timezone


@dataclass(frozen=True)
class Scope:
    period: Period
    contracts: tuple[Contract, ...]
    contract_id: int | None = None
    provider_id: int | None = None
    flag: str | None = None

    @property
    def contract_ids(self) -> list[int]:
        return [c.id for c in self.contracts]

    def visits(self):
        """Visits under the covered contracts planned within the period (a visit belongs to its planned date)."""
        start, end = self.period.bounds
        within = (Visit.contract_id.in_(self.contract_ids), Visit.planned_start >= start, Visit.planned_start < end)
        return (*within, has_flag(self.flag)) if self.flag else within

    def envelope(self, name: str, rows: list[dict], totals: dict) -> dict:
        start, end = self.period.bounds
        return {
            "report": name,
            "period": {"date_from": self.period.first, "date_to": self.period.last, "timezone": self.period.tz,
                       "start": start, "end": end},
            "filters": {
                "contract_id": self.contract_id, "provider_id": self.provider_id, "flag": self.flag,
                "contracts": [{
                    "id": c.id, "reference": c.reference, "council_id": c.council_id, "provider_id": c.provider_id,
                    "provider_name": c.provider.name, "early_minutes": c.early_minutes,
                    "late_minutes": c.late_minutes, "missed_minutes": c.missed_minutes,
                } for c in self.contracts],
            },
            "rows": rows,
            "totals": totals,
        }


def resolve_scope(ident: Identity, *, date_from: date, date_to: date,
                  contract_id: int | None = None, provider_id: int | None = None, flag: str | None = None) -> Scope:
    """The caller's contracts narrowed by the filters (directory.tenancy.covered_contracts), over local dates
    of the covered council (of the caller's own when no contract is covered)."""
    contracts = covered_contracts(ident, contract_id, provider_id)
    tz = contracts[0].council.timezone if contracts else tenant_timezone(ident)
    return Scope(Period(date_from, date_to, tz), contracts, contract_id, provider_id, flag)


def pct(part, whole) -> float | None:
    """A share in percent to one decimal place; None when there is nothing to share."""
    return round(float(100 * part / whole), 1) if whole else None
