"""Which contracts a report covers, for whom, over which local dates; and the envelope every report shares."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from server.auth.tenancy import Identity, get_contract, scope_contracts
from server.directory.models import Contract
from server.errors import invalid, not_found
from server.extensions import db
from server.i18n import _
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
    """The caller's contracts narrowed by the filters; a contract or provider outside their slice is a 404.

    Periods are in the covered council's local dates. A provider working for
    councils in different time zones must pick one contract, since a local week
    would otherwise mean two things at once.
    """
    stmt = scope_contracts(select(Contract), ident).order_by(Contract.id)
    if contract_id is not None:
        contract = get_contract(ident, contract_id)
        if provider_id is not None and contract.provider_id != provider_id:
            raise invalid("provider_id", _("The contract is with another provider"))
        stmt = stmt.where(Contract.id == contract_id)
    if provider_id is not None:
        stmt = stmt.where(Contract.provider_id == provider_id)
    contracts = tuple(db.session.scalars(stmt))
    if provider_id is not None and not contracts:
        raise not_found(_("Provider not found"))
    zones = {c.council.timezone for c in contracts}
    if len(zones) > 1:
        raise invalid("contract_id", _("These contracts are in different time zones; choose one contract"))
    tz = zones.pop() if zones else tenant_timezone(ident)
    return Scope(Period(date_from, date_to, tz), contracts, contract_id, provider_id, flag)


def pct(part, whole) -> float | None:
    """A share in percent to one decimal place; None when there is nothing to share."""
    return round(float(100 * part / whole), 1) if whole else None
