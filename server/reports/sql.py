"""SQL pieces the reports share, written once for SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, case, cast, func, literal, literal_column, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from server.extensions import db
from server.timeutil import local_day_bounds


def roomy() -> None:
    """For the rest of this transaction on PostgreSQL: sorts and groupings of a year's rows in memory (the default
    work_mem of 4 MB sends a council's hundred thousand client-worker pairs to disk), and no JIT compiling
    (it spends longer compiling a report's one-off query than the query takes)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(text("SET LOCAL jit = off"))


class seconds_between(FunctionElement):
    """Whole seconds from one timestamp column to another (end minus start).

    SQLite has no interval type, so it goes through julianday(), whose float days
    are a few microseconds off; rounding to the second makes threshold tests
    (exactly 80% of the planned time, exactly 15 minutes) come out the same on
    both databases.
    """

    type = BigInteger()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(round((julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)})) * 86400) AS INTEGER)")


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)})) AS BIGINT)"


def bucket_index(column, boundaries: list[datetime]) -> ColumnElement:
    """The index i of the bucket [boundaries[i], boundaries[i + 1]) a UTC instant falls in.

    boundaries are the UTC instants where local weeks (or days, or blocks) begin,
    so a week that holds a clock change is 167 or 169 hours long and still right.
    The CASE is a balanced tree, so each row costs log2(buckets) comparisons. Rows
    before the first or after the last boundary must be filtered out by the caller.
    """
    return _balanced(column, boundaries[:-1], lambda i: literal_column(str(i), Integer))


def local_date(column, days: list[date], tz: str) -> ColumnElement:
    """The local date (in tz) of a UTC instant known to fall within days: PostgreSQL's own zone rules, else
    a balanced CASE over the midnights. Group by it from a subquery, as for bucketed()."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone(tz, column), Date)
    return _balanced(column, [local_day_bounds(d, tz)[0] for d in days], lambda i: literal(days[i], Date))


def _balanced(column, starts: list[datetime], value) -> ColumnElement:
    """value(i) for the last of the ascending starts at or before column, as a CASE that is a balanced tree: each
    row costs log2(len(starts)) comparisons. A row before the first start gets value(0)."""

    def tree(lo: int, hi: int):
        if lo == hi:
            return value(lo)
        mid = (lo + hi + 1) // 2
        return case((column < starts[mid], tree(lo, mid - 1)), else_=tree(mid, hi))

    return tree(0, len(starts) - 1)


def bucketed(stmt, time_column, boundaries: list[datetime], **columns):
    """stmt's rows with a `bucket` column and the named columns, as a subquery for the caller to group.

    Grouping happens outside: PostgreSQL does not see two copies of an expression
    with bound parameters as the same, so GROUP BY the CASE itself would fail.
    """
    labelled = [expr.label(name) for name, expr in columns.items()]
    return stmt.add_columns(bucket_index(time_column, boundaries).label("bucket"), *labelled).subquery()
