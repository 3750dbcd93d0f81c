"""Statements that share a round trip on PostgreSQL, through psycopg's pipeline mode.

A round trip to PostgreSQL costs more than the work of most statements of a step. Two kinds of statement need
not wait for their own:

- a write whose result nothing reads (the handler's row of a completed step): it travels with the next
  statement that must wait;
- a read sent right after another, when the application does not need the first's answer to write the second
  (a step's task rows after its case's lock). The server still runs them one after the other, and in READ
  COMMITTED the second takes its snapshot only once the first is done, so it sees what the lock protects.

A write transaction's BEGIN travels the same way: a unit of work sets its connection to the driver's autocommit
and queues BEGIN ahead of its first statement, where psycopg would have sent it alone and waited.

The queue is emptied, in one round trip, whenever something must see its results or could run outside it: a
prepared statement whose result is read, any Core or ORM statement (they read a cursor description that a
queued statement does not have yet), the commit and the rollback. An error of a queued statement is raised
there, and the transaction fails as it would have.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from psycopg import Pipeline, pq
from sqlalchemy import Connection, Engine, event

_KEY = "rcjc_pipeline"
# psycopg's bundled libpq has pipeline mode; a system libpq older than 14 does not.
_SUPPORTED = Pipeline.is_supported()


@dataclass
class _State:
    """A pooled connection's queue: the BEGIN still to send, and the pipeline while statements wait in it."""

    begin_pending: bool = False
    pipeline: AbstractContextManager[Pipeline] | None = None


def _state(conn: Connection) -> _State | None:
    return conn.connection.info.get(_KEY)


def active(conn: Connection) -> bool:
    """Whether this connection's next statement must go through the queue (a BEGIN waits, or statements do)."""
    state = _state(conn)
    return state is not None and (state.begin_pending or state.pipeline is not None)


def begin_with_first_statement(conn: Connection) -> None:
    """On PostgreSQL, send this transaction's BEGIN with its first statement instead of alone."""
    if conn.dialect.name != "postgresql" or not _SUPPORTED:
        return
    raw: Any = conn.connection.dbapi_connection
    if raw.autocommit or raw.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return
    raw.autocommit = True  # psycopg sends no BEGIN of its own; COMMIT and ROLLBACK still end ours
    conn.connection.info[_KEY] = _State(begin_pending=True)


def enter(conn: Connection) -> bool:
    """Open the queue for the next statement (with the pending BEGIN first); False where there is none."""
    if conn.dialect.name != "postgresql" or not _SUPPORTED:
        return False
    state = conn.connection.info.setdefault(_KEY, _State())
    raw: Any = conn.connection.dbapi_connection
    if state.pipeline is None:
        state.pipeline = raw.pipeline()
        state.pipeline.__enter__()
    if state.begin_pending:
        state.begin_pending = False
        raw.cursor().execute("BEGIN")
    return True


def sync(conn: Connection) -> None:
    """Send what is queued and wait for all of it: one round trip. Raises the first error among it, as psycopg's."""
    state = _state(conn)
    if state is None or state.pipeline is None:
        return
    pipeline, state.pipeline = state.pipeline, None
    pipeline.__exit__(None, None, None)


def _flush(conn: Connection, raise_errors: bool) -> None:
    """Send what is queued; its error raised as SQLAlchemy's (as for any statement), or dropped with the transaction."""
    try:
        sync(conn)
    except Exception as exc:  # noqa: BLE001 - raised as SQLAlchemy's error, or dropped with the transaction
        if raise_errors:
            conn._handle_dbapi_exception(exc, "", None, None, None)


def _before_statement(conn: Connection) -> None:
    """Empty the queue and send a pending BEGIN before a statement that does not go through the queue."""
    state = _state(conn)
    if state is None:
        return
    _flush(conn, raise_errors=True)
    if state.begin_pending:
        state.begin_pending = False
        conn.connection.dbapi_connection.cursor().execute("BEGIN")  # type: ignore[union-attr]


def _ending(conn: Connection, raise_errors: bool) -> None:
    """Before a commit or rollback: send what is queued (a BEGIN never sent has nothing to end)."""
    state = _state(conn)
    if state is not None:
        state.begin_pending = False
        _flush(conn, raise_errors)


def install(engine: Engine) -> None:
    """Empty the queue before Core and ORM statements, commits and rollbacks; give connections back as they came."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before_cursor(conn: Connection, _cursor: Any, statement: str, params: Any, context: Any, _many: bool) -> None:
        # Prepared statements pass no execution context: they go through the queue themselves.
        if context is not None:
            _before_statement(conn)

    @event.listens_for(engine, "commit")
    def _before_commit(conn: Connection) -> None:
        _ending(conn, raise_errors=True)

    @event.listens_for(engine, "rollback")
    def _before_rollback(conn: Connection) -> None:
        _ending(conn, raise_errors=False)  # the transaction is being undone: what failed in it no longer matters

    @event.listens_for(engine, "checkin")
    def _given_back(raw: Any, record: Any) -> None:
        state = record.info.pop(_KEY, None)
        if raw is None or state is None:
            return
        try:
            if state.pipeline is not None:
                try:
                    state.pipeline.__exit__(None, None, None)
                except Exception:  # noqa: BLE001 - the rollback below ends whatever it left
                    pass
            if raw.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                raw.rollback()
            raw.autocommit = False
        except Exception as exc:  # noqa: BLE001 - a connection in a state we cannot restore is not reused
            record.invalidate(exc)
