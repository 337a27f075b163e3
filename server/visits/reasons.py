"""Each council's list of reason codes, for missed visits and exceptions, with the council's own external codes.

A council starts with DEFAULT_REASON_CODES the first time its list is read; from then on the
council officer adds codes, relabels them, sets external codes and retires them (a retired code
stays on the visits resolved with it, but cannot be chosen again).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from server.audit.service import record
from server.auth.models import Role
from server.auth.tenancy import Identity
from server.directory.models import Contract
from server.directory.tenancy import scope_contracts
from server.errors import ApiError, invalid, not_found
from server.extensions import db
from server.i18n import _
from server.unique import insert_once
from server.visits.models import DEFAULT_REASON_CODES, ReasonCode


def visible_council(ident: Identity, council_id: int) -> int:
    """The council, if the caller works under it (its officer, or staff of a provider it commissions)."""
    if ident.role == Role.COUNCIL_OFFICER:
        if ident.council_id == council_id:
            return council_id
    elif db.session.scalar(scope_contracts(select(Contract.id).where(Contract.council_id == council_id), ident)
                           .limit(1)) is not None:
        return council_id
    raise not_found(_("Council not found"))


def codes_for(council_id: int) -> list[ReasonCode]:
    """The council's codes in the order they were added, the defaults stored on first use."""
    stmt = select(ReasonCode).where(ReasonCode.council_id == council_id).order_by(ReasonCode.id)
    codes = db.session.scalars(stmt).all()
    if not codes:
        for code, label in DEFAULT_REASON_CODES:  # insert_once: two first readers may race
            insert_once(ReasonCode(council_id=council_id, code=code, label=label, active=True))
        codes = db.session.scalars(stmt).all()
    return codes


def usable(council_id: int, code: str) -> ReasonCode:
    """An active code of the council, or a 422 naming the field."""
    found = next((c for c in codes_for(council_id) if c.code == code and c.active), None)
    if found is None:
        raise invalid("reason_code", _("Not one of the council's reason codes"))
    return found


def add_code(ident: Identity, council_id: int, data: dict, now: datetime) -> ReasonCode:
    codes_for(council_id)  # the defaults first, so a new code never stands alone in the list
    row = ReasonCode(council_id=council_id, code=data["code"], label=data["label"],
                     external_code=data.get("external_code"), active=data.get("active", True))
    if not insert_once(row):
        raise ApiError(409, "duplicate_code", _("The council already has this code"), {"code": data["code"]})
    record("reason_code.add", "reason_code", row.id, user_id=ident.user_id, now=now, council_id=council_id,
           code=row.code)
    return row


def update_code(ident: Identity, council_id: int, code_id: int, data: dict, now: datetime) -> ReasonCode:
    row = db.session.get(ReasonCode, code_id)
    if row is None or row.council_id != council_id:
        raise not_found(_("Reason code not found"))
    for name in ("label", "external_code", "active"):
        if name in data:
            setattr(row, name, data[name])
    db.session.flush()
    record("reason_code.update", "reason_code", row.id, user_id=ident.user_id, now=now, council_id=council_id,
           **{k: data[k] for k in ("label", "external_code", "active") if k in data})
    return row
