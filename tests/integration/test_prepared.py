"""Prepared statements store and read values exactly as SQLAlchemy Core does, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select

from engine.context import EngineContext
from engine.persistence.db import connection
from engine.persistence.models import AuditEvent, table
from engine.persistence.prepared import Prepared
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
