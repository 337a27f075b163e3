"""The payer's service code a visit is delivered under: its own, or else its care package's.

A visit sets service_code only where it differs from the care commissioned; otherwise it takes the code of
the client's care package in force on the visit's local date (where packages overlap, the latest-starting
one that has a code). Packages are few per client, so an export loads them once and matches in memory,
with no query per visit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select

from server.care.models import CarePackage
from server.directory.models import Client
from server.extensions import db


class PackageCodes:
    """The coded care packages of some clients over local dates first..last."""

    def __init__(self, *where, first: date | None = None, last: date | None = None):
        """Packages of the clients matching `where`; all of their dates unless first and last bound them."""
        if last is not None:
            where += (CarePackage.starts_on <= last,)
        if first is not None:
            where += (or_(CarePackage.ends_on.is_(None), CarePackage.ends_on >= first),)
        rows = db.session.execute(
            select(CarePackage.client_id, CarePackage.starts_on, CarePackage.ends_on, CarePackage.service_code)
            .join(Client, Client.id == CarePackage.client_id)
            .where(*where, CarePackage.service_code.is_not(None))
            .order_by(CarePackage.starts_on.desc(), CarePackage.id.desc()))
        self.packages: dict[int, list[tuple[date, date | None, str]]] = defaultdict(list)
        for client_id, starts_on, ends_on, code in rows:
            self.packages[client_id].append((starts_on, ends_on, code))

    def package_code(self, client_id: int, day: date) -> str | None:
        return next((code for starts_on, ends_on, code in self.packages.get(client_id, ())
                     if starts_on <= day and (ends_on is None or day <= ends_on)), None)

    def code(self, client_id: int, own: str | None, day: date) -> str | None:
        """A visit's code: its own if set, else its package's on its local date."""
        return own or self.package_code(client_id, day)
