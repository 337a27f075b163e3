"""Loaded records' changed columns written by one UPDATE each, for a path a user waits on (a check-in).

The session's flush would find the same changes, but first works out for every record what changed, what
depends on what and in which order to write: a large share of a check-in's time, for three rows whose
changes are known. Here each changed record gets one UPDATE of its changed columns by primary key
(onupdate columns included), in the tables' dependency order as the flush takes them, so concurrent
writers lock rows alike; then its values are taken as stored, so the commit's flush finds nothing left to
write. Records added or deleted, and any the caller does not pass, are left to the flush.

Whoever keeps notes on changed rows in a flush listener (reports/changes.py) connects to `writing`, which is
sent with the records before they are written.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from blinker import Namespace
from sqlalchemy import bindparam, inspect, update
from sqlalchemy.orm import Session

from server.extensions import db

# Sent with (session, records) before their UPDATEs, while their values before and after can both be read.
writing = Namespace().signal("direct-updates-writing")


def write_now(records: Iterable) -> None:
    """Write these records' changed columns now; they stay in the session as stored. The caller commits."""
    session = db.session()
    changes = sorted(((r, c) for r in records if (c := _changed_columns(session, r))), key=_table_order)
    if not changes:
        return
    writing.send(session, records=[record for record, _columns in changes])
    connection = session.connection()
    for record, columns in changes:
        state = inspect(record)
        statement = _update(state.mapper.local_table, frozenset(columns))
        connection.execute(statement, {**columns, "_pk": state.identity[0]})
        changed = set(state.committed_state)
        # What the flush does after its own UPDATE: the values held are now the stored ones, nothing is dirty.
        state._commit_all(state.dict, session.identity_map)
        # A column set on update (updated_at) by the statement is read again if asked for, as after a flush.
        if stale := [key for key in _set_on_update(state.mapper) if key not in changed]:
            session.expire(record, stale)


def _changed_columns(session: Session, record) -> dict[str, object]:
    """Column name -> new value, for a record of this session changed in its columns alone; else nothing (a
    changed collection or reference is the flush's to write)."""
    state = inspect(record)
    if not (state.persistent and state.session_id == session.hash_key and state.committed_state
            and _writable(state.mapper).issuperset(state.committed_state)):
        return {}
    columns = _columns(state.mapper)
    return {columns[key]: state.dict[key] for key, before in state.committed_state.items()
            if key in columns and state.dict[key] != before}


@cache
def _update(table, names: frozenset[str]):
    """Built once per table and set of columns: a phone's check-ins change the same few each time."""
    (pk,) = table.primary_key.columns
    return update(table).where(pk == bindparam("_pk")).values({name: bindparam(name) for name in names})


@cache
def _set_on_update(mapper) -> tuple[str, ...]:
    return tuple(key for key, column in _columns(mapper).items()
                 if mapper.local_table.columns[column].onupdate is not None)


@cache
def _columns(mapper) -> dict[str, str]:
    """Attribute name -> column name of the mapper's plain columns."""
    return {prop.key: prop.columns[0].key for prop in mapper.column_attrs if len(prop.columns) == 1}


@cache
def _writable(mapper) -> frozenset[str]:
    """What may have changed for a record to be written here: its columns, and collections it only reads."""
    return frozenset(_columns(mapper)) | {r.key for r in mapper.relationships if r.viewonly}


def _table_order(change) -> int:
    return _sorted_tables().index(inspect(change[0]).mapper.local_table)


@cache
def _sorted_tables() -> list:
    return db.metadata.sorted_tables
