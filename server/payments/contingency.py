"""Contingency: extra minutes an officer authorises for a client within one flexible-hours block.

A grant raises the block's total (commissioned + contingency) that flex pays up to; a grant made after the block's
period closed reaches the money as an adjustment (adjustments.py).
"""
from __future__ import annotations

from datetime import datetime

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Client
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.payments import facts
from server.payments.models import ContingencyGrant


def grant_contingency(ident: Identity, client: Client, data: dict, now: datetime) -> ContingencyGrant:
    """Authorise extra minutes for a client in the flex block holding on_date; the caller commits."""
    contract = client.contract
    rules = facts.contract_rules(contract)[0]
    if rules.period is None or rules.period.kind != "flex":
        raise invalid("client_id", _("This client's contract pays under %(rules)s, which has no flexible total",
                                     rules=rules.name))
    grant = ContingencyGrant(contract_id=contract.id, client_id=client.id, on_date=data["on_date"],
                             minutes=data["minutes"], reason=data["reason"], granted_by=ident.user_id, granted_at=now)
    db.session.add(grant)
    db.session.flush()
    block_first, block_last = rules.period.block_of(data["on_date"])
    record("payments.grant_contingency", "client", client.id, user_id=ident.user_id, now=now, grant_id=grant.id,
           contract_id=contract.id, on_date=data["on_date"].isoformat(), minutes=data["minutes"],
           block_from=block_first.isoformat(), block_to=block_last.isoformat())
    grant.block_from, grant.block_to = block_first, block_last
    return grant
