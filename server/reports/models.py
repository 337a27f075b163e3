"""The KPI figures of each contract's local days, kept beside the visits they are counted from (reports/rollup.py).

A day's figures are used only while its report_days row exists for the council's current zone and no
report_changes row names a visit planned on it; otherwise the day is counted again from the visits first.
The keys carry no foreign keys: these are counts, not records, and a year's first count writes millions of rows.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigId, UTCDateTime
from server.extensions import db


class ReportDay(db.Model):
    """A contract's local day whose figures are stored, counted in the zone named."""

    __tablename__ = "report_days"

    contract_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tz: Mapped[str] = mapped_column(String(64))


class ReportChange(db.Model):
    """A visit (or one of its carers) changed: the day of this planned start must be counted again.

    Written in the same transaction as the change; removed only by the count that read it, so a change
    committed while a day was being counted leaves the day to be counted again.
    """

    __tablename__ = "report_changes"
    __table_args__ = (Index("ix_report_changes_contract_planned_start", "contract_id", "planned_start"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contract_id: Mapped[int] = mapped_column(BigId)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportDayCount(db.Model):
    """How many visits or check-ins of a contract's day fall under one figure ("punctuality:late")."""

    __tablename__ = "report_day_counts"

    contract_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    figure: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class ReportClientDay(db.Model):
    """A client's delivered carer seconds on a day, and how many visits delivered them (the delivery report).

    Rows with span "day" are counted from the visits; rows with span "week" (day = the Monday) sum a whole
    ISO week's day rows, so a year reads 53 rows a client, not 365.
    """

    __tablename__ = "report_client_days"

    contract_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    span: Mapped[str] = mapped_column(String(5), primary_key=True)  # first, so each span's rows are read alone
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    client_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seconds: Mapped[int] = mapped_column(BigInteger)
    visits: Mapped[int] = mapped_column(BigInteger)


class ReportAttendanceDay(db.Model):
    """How often a worker checked in at a client's visits on a day (the continuity report).

    As for ReportClientDay, with span "month" rows (day = the 1st) summing a whole month's day rows.
    """

    __tablename__ = "report_attendance_days"

    contract_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    span: Mapped[str] = mapped_column(String(5), primary_key=True)  # first, so each span's rows are read alone
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    client_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    worker_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    attendances: Mapped[int] = mapped_column(BigInteger)
