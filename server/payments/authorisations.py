"""Service authorisations: the units or minutes of a service code a payer allows a client over dates.

Unit billing (units.py) counts each line's units against the authorisation covering its date;
lines beyond it are flagged and not paid, and the export shows what is left.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.tenancy import Identity
from server.directory.models import Client, Contract
from server.directory.tenancy import scope_contracts
from server.errors import invalid
from server.extensions import db
from server.i18n import _
from server.payments import facts
from server.payments.models import ServiceAuthorisation


def create_authorisation(ident: Identity, client: Client, data: dict, now: datetime) -> ServiceAuthorisation:
    """Authorise units (or minutes) of a code the client's contract bills by units; the caller commits."""
    rules = facts.contract_rules(client.contract)[0]
    if data["service_code"] not in rules.service_codes:
        billed = ", ".join(rules.service_codes) or _("none")
        raise invalid("service_code", _("%(rules)s does not bill %(code)r by units (billed: %(billed)s)",
                                        rules=rules.name, code=data["service_code"], billed=billed))
    auth = ServiceAuthorisation(contract_id=client.contract_id, client_id=client.id, created_by=ident.user_id,
                                created_at=now, **data)
    db.session.add(auth)
    db.session.flush()
    record("payments.authorise_service", "client", client.id, user_id=ident.user_id, now=now, authorisation_id=auth.id,
           service_code=auth.service_code, date_from=auth.date_from.isoformat(), date_to=auth.date_to.isoformat(),
           units=auth.units, minutes=auth.minutes)
    return auth


def list_authorisations(ident: Identity, client_id: int | None) -> list[ServiceAuthorisation]:
    stmt = select(ServiceAuthorisation).where(
        ServiceAuthorisation.contract_id.in_(scope_contracts(select(Contract.id), ident)))
    if client_id is not None:
        stmt = stmt.where(ServiceAuthorisation.client_id == client_id)
    return list(db.session.scalars(stmt.order_by(ServiceAuthorisation.client_id, ServiceAuthorisation.date_from,
                                                 ServiceAuthorisation.id)))
