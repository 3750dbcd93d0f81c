"""Prepared statements store and read values exactly as SQLAlchemy Core does, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError

from engine.context import EngineContext
from engine.persistence.db import connection
from engine.persistence.models import AuditEvent, table
from engine.persistence.prepared import Prepared, Result, Row
from engine.persistence.uow import UnitOfWork

EVENTS = table(AuditEvent)
ROW = {"chain": "test", "case_id": None, "event": "checked", "actor": "张三", "task_id": None, "bpmn_id": None,
       "details": {"中文": [1, 2.5, True, None], "nested": {"k": "v"}}, "prev_hash": "0" * 64, "hash": "f" * 64}


def test_values_round_trip_like_core_and_literal_binds_apply(ctx: EngineContext) -> None:
    at = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)
    insert_many = Prepared(insert(EVENTS))
    newest = Prepared(select(EVENTS.c.seq, EVENTS.c.at, EVENTS.c.details, EVENTS.c.actor)
                      .where(EVENTS.c.chain == bindparam("chain")).order_by(EVENTS.c.seq.desc()).limit(2))
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        conn = connection(uow.session)
        insert_many.run(conn, [{**ROW, "seq": n, "at": at} for n in range(1, 4)])
        rows = list(newest.run(conn, {"chain": "test"}))
        core = list(conn.execute(select(EVENTS.c.seq, EVENTS.c.at, EVENTS.c.details, EVENTS.c.actor)
                                 .where(EVENTS.c.chain == "test").order_by(EVENTS.c.seq.desc()).limit(2)))
        uow.commit()
    assert [tuple(r) for r in rows] == [tuple(r) for r in core]
    assert [r.seq for r in rows] == [3, 2]  # the statement's own LIMIT 2 applies
    assert rows[0].at == at and rows[0].details == ROW["details"] and rows[0]._mapping["actor"] == "张三"


def test_one_path_on_every_backend_seen_by_events_and_raising_sqlalchemy_errors(ctx: EngineContext) -> None:
    insert_one = Prepared(insert(EVENTS))
    newest = Prepared(select(EVENTS.c.seq).where(EVENTS.c.chain == bindparam("chain")))
    seen: list[tuple[str, bool]] = []

    def before(conn: object, cursor: object, statement: str, parameters: object, context: object, many: bool) -> None:
        seen.append((statement.split()[0], many))

    event.listen(ctx.db, "before_cursor_execute", before)
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            conn = connection(uow.session)
            at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
            insert_one.run(conn, [{**ROW, "seq": n, "at": at} for n in (1, 2)])
            result = newest.run(conn, {"chain": "test"})
            with pytest.raises(IntegrityError):  # the same (chain, seq) again
                insert_one.run(conn, {**ROW, "seq": 1, "at": at})
    finally:
        event.remove(ctx.db, "before_cursor_execute", before)
    assert type(result) is Result and all(isinstance(row, Row) for row in result)
    assert sorted(row.seq for row in result) == [1, 2]
    assert seen == [("INSERT", True), ("SELECT", False), ("INSERT", False)]


def test_a_lone_read_opens_no_transaction_and_sees_what_was_committed(ctx: EngineContext) -> None:
    # The API's token check is such a read: no BEGIN and no ROLLBACK around it, on either backend.
    insert_one = Prepared(insert(EVENTS))
    count = Prepared(select(EVENTS.c.seq).where(EVENTS.c.chain == bindparam("chain")))
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        insert_one.run(connection(uow.session), {**ROW, "seq": 1, "at": at})
        uow.commit()
    with ctx.lone_connection() as conn:
        rows = count.run(conn, {"chain": "test"}, alone=True).all()
        driver: Any = conn.connection.dbapi_connection
        left_open = driver.in_transaction if conn.dialect.name == "sqlite" else driver.info.transaction_status != 0
        assert not conn.in_transaction() and not left_open
    assert [r.seq for r in rows] == [1]
