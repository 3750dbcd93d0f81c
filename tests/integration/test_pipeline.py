"""Queued statements behave on every backend as if they ran at once; on PostgreSQL they share round trips."""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import bindparam, event, func, insert, select
from sqlalchemy.exc import IntegrityError

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import TaskNotReady
from engine.persistence import case_rows
from engine.persistence.db import connection
from engine.persistence.models import AuditEvent, CaseHandler, TaskIndex, table
from engine.persistence.prepared import Prepared
from engine.persistence.uow import UnitOfWork
from engine.procedure import services
from tests.support.cases import start_mini

EVENTS = table(AuditEvent)
ROW = {"chain": "queued", "case_id": None, "event": "checked", "actor": "张三", "task_id": None, "bpmn_id": None,
       "details": {}, "prev_hash": "0" * 64, "hash": "f" * 64, "at": datetime(2026, 3, 2, 9, 30, tzinfo=UTC)}
INSERT = Prepared(insert(EVENTS))
SEQS = Prepared(select(EVENTS.c.seq).where(EVENTS.c.chain == bindparam("chain")).order_by(EVENTS.c.seq))


def committed(ctx: EngineContext) -> list[int]:
    with ctx.sessions() as session:
        return list(session.scalars(select(EVENTS.c.seq).where(EVENTS.c.chain == "queued").order_by(EVENTS.c.seq)))


def test_queued_writes_are_read_back_by_every_kind_of_statement_and_committed(ctx: EngineContext) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        conn = connection(uow.session)
        INSERT.queue(conn, {**ROW, "seq": 1})
        # A Core statement does not go through the queue: what waits in it is sent first.
        assert uow.session.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.chain == "queued")) == 1
        INSERT.queue(conn, {**ROW, "seq": 2})
        assert [r.seq for r in SEQS.run(conn, {"chain": "queued"})] == [1, 2]
        INSERT.queue(conn, {**ROW, "seq": 3})  # still waiting when the commit comes
        uow.commit()
    assert committed(ctx) == [1, 2, 3]


def test_a_failing_queued_write_fails_the_statement_that_waits_and_the_transaction_keeps_nothing(ctx: EngineContext) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        conn = connection(uow.session)
        INSERT.run(conn, {**ROW, "seq": 1})
        # The same (chain, seq) again: it fails at once on SQLite, with the next statement that waits on PostgreSQL.
        with pytest.raises(IntegrityError):
            INSERT.queue(conn, {**ROW, "seq": 1})
            SEQS.run(conn, {"chain": "queued"})
    assert committed(ctx) == []
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        INSERT.queue(connection(uow.session), {**ROW, "seq": 1})
        with pytest.raises(IntegrityError):
            INSERT.queue(connection(uow.session), {**ROW, "seq": 1})
            uow.commit()  # the commit sends what waits and fails with it
    assert committed(ctx) == []


def test_an_abandoned_unit_of_work_keeps_nothing_and_its_connection_serves_plain_transactions(ctx: EngineContext) -> None:
    with pytest.raises(RuntimeError), UnitOfWork(ctx.sessions, ctx.clock) as uow:
        INSERT.queue(connection(uow.session), {**ROW, "seq": 1})
        raise RuntimeError("the use case gave up")
    assert committed(ctx) == []
    # The pool hands the connection on as it was: a session's statements share one transaction again.
    with ctx.sessions() as session:
        session.execute(insert(EVENTS).values({**ROW, "seq": 5}))
        session.execute(insert(EVENTS).values({**ROW, "seq": 6}))
        driver: Any = session.connection().connection.dbapi_connection
        assert not getattr(driver, "autocommit", False)
        session.rollback()
    assert committed(ctx) == []


def waits(trace: bytes) -> int:
    """How many times the client waited on the server: each Sync or simple Query ends with a ReadyForQuery."""
    return sum(1 for line in trace.decode().splitlines() if line.startswith("B") and "ReadyForQuery" in line)


def test_on_postgresql_a_transaction_sends_begin_with_its_first_statements(ctx: EngineContext) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        conn = connection(uow.session)
        if conn.dialect.name != "postgresql":
            # SQLite has no round trips: the same calls simply run in order.
            INSERT.queue(conn, {**ROW, "seq": 1})
            assert [r.seq for r in SEQS.run(conn, {"chain": "queued"})] == [1]
            uow.commit()
            assert committed(ctx) == [1]
            return
        driver: Any = conn.connection.dbapi_connection
        with tempfile.TemporaryFile() as log:
            driver.pgconn.trace(log.fileno())
            driver.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            INSERT.queue(conn, {**ROW, "seq": 1})
            INSERT.queue(conn, {**ROW, "seq": 2})
            seqs = [r.seq for r in SEQS.run(conn, {"chain": "queued"})]
            uow.commit()
            driver.pgconn.untrace()
            log.seek(0)
            trace = log.read()
    assert seqs == [1, 2]
    # BEGIN, both INSERTs and the SELECT in one round trip; COMMIT in the second.
    assert waits(trace) == 2
    assert committed(ctx) == [1, 2]


def test_of_two_handlers_waiting_on_the_case_the_second_finds_the_task_done(
        ctx: EngineContext, people: dict[str, Actor]) -> None:
    # The task rows are sent with the case's lock, yet read once it is granted: the second handler sees the first's work.
    case_id, task_id = start_mini(ctx, people["intake"])
    outcomes: list[str] = []

    def complete(decision: str) -> None:
        try:
            services.complete_task(ctx, people["intake"], task_id, {"decision": decision})
            outcomes.append("done")
        except TaskNotReady as exc:
            outcomes.append(str(exc))

    with UnitOfWork(ctx.sessions, ctx.clock) as holder:
        case_rows.lock_existing(holder.session, case_id)
        handlers = [threading.Thread(target=complete, args=(d,)) for d in ("yes", "no")]
        for t in handlers:
            t.start()
        time.sleep(0.5)  # both now wait on the lock (on SQLite, on the write lock)
        holder.commit()
    for t in handlers:
        t.join(30)
    assert sorted(outcomes) == ["done", "该任务已办理完毕"]
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CaseHandler).where(CaseHandler.task_id == task_id)) == 1


def test_on_postgresql_a_completion_waits_on_the_database_four_times(ctx: EngineContext, people: dict[str, Actor]) -> None:
    _, first = start_mini(ctx, people["intake"])
    services.complete_task(ctx, people["intake"], first, {"decision": "yes"})  # the caches are warm after it
    case_id = services.start_case(ctx, people["intake"], "mini", "standard", {"title": "第二件"}).case_id
    with ctx.sessions() as session:
        (task_id,) = session.scalars(select(TaskIndex.id).where(TaskIndex.case_id == case_id))
    with tempfile.TemporaryFile() as log:
        def trace(raw: Any, _record: Any, _proxy: Any) -> None:
            raw.pgconn.trace(log.fileno())
            raw.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

        def untrace(raw: Any, _record: Any) -> None:
            if raw is not None:
                raw.pgconn.untrace()

        traced = ctx.db.dialect.name == "postgresql"  # SQLite has no round trips to count
        if traced:
            event.listen(ctx.db, "checkout", trace)
            event.listen(ctx.db, "checkin", untrace)
        try:
            services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})
        finally:
            if traced:
                event.remove(ctx.db, "checkout", trace)
                event.remove(ctx.db, "checkin", untrace)
        log.seek(0)
        trace_text = log.read()
    if traced:
        # BEGIN, the case's lock and its task rows; the handler's and the stage's rows with the read of the case's
        # stages; the case row with its audit event; COMMIT.
        assert waits(trace_text) == 4
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CaseHandler).where(CaseHandler.task_id == task_id)) == 1
