"""Firing due timers: cases claimed with a lease, each fired in its own transaction, a broken case recorded and skipped.

A worker first takes a batch of due cases in one short transaction by writing its id and a lease end on
them; other workers pass over leased cases until the lease runs out, so a killed worker's cases are
taken over once its leases expire. Firing then happens case by case, each only while the lease is still
the worker's: the row lock and that check make a timer fire once however many workers run.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import CursorResult, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.errors import EngineError, ScriptFailed
from engine.notifications import mailer, notices
from engine.persistence import case_rows
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, table
from engine.persistence.uow import UnitOfWork
from engine.procedure import rendering, runtime, workflow_store
from engine.procedure.services import finish, mark_failed, record_event

CASES = table(Case)
# Long enough for a batch to fire many times over; it only bounds how long a killed worker delays its cases.
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_BATCH = 20
DEFAULT_INTERVAL = 5.0

_DUE = (
    select(CASES.c.id)
    .where(
        CASES.c.status == CaseStatus.RUNNING,
        CASES.c.next_timer_at.is_not(None),
        # Strictly before now, as SpiffWorkflow decides whether a timer has fired: at the very instant it would not.
        CASES.c.next_timer_at < bindparam("now"),
        or_(CASES.c.lease_until.is_(None), CASES.c.lease_until < bindparam("now")),
    )
    .order_by(CASES.c.next_timer_at, CASES.c.id)
    .limit(bindparam("limit"))
    # Workers pass over the rows another worker is claiming instead of queueing behind it (SQLite has no
    # row locks and renders nothing here: its write transactions are serialized already).
    .with_for_update(skip_locked=True)
)
_LEASE = (
    update(CASES)
    .where(CASES.c.id == bindparam("case_id"))
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until", type_=CASES.c.lease_until.type))
)
# Clearing a lease is also the check that it is still ours: the UPDATE locks the row and matches only then.
_RELEASE = (
    update(CASES)
    .where(CASES.c.id == bindparam("case_id"), CASES.c.lease_owner == bindparam("owner"))
    .values(lease_owner=None, lease_until=None)
)


@dataclass
class FireReport:
    """Cases whose timers fired, and cases that failed with the reason."""

    fired: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    claimed: int = 0
    error: str | None = None  # the sweep itself failed (database unreachable or busy)


def worker_id() -> str:
    """A name for one worker, unique across machines and restarts: host, process id and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def due_case_ids(ctx: EngineContext, limit: int = 100) -> list[int]:
    """Running cases whose earliest timer is due now, leased or not."""
    now = ctx.clock.now()
    with ctx.sessions() as session:
        query = (
            select(Case.id)
            .where(Case.status == CaseStatus.RUNNING, Case.next_timer_at.is_not(None), Case.next_timer_at < now)
            .order_by(Case.next_timer_at)
            .limit(limit)
        )
        return list(session.scalars(query))


def claim_due(ctx: EngineContext, owner: str, lease: timedelta = DEFAULT_LEASE, limit: int = DEFAULT_BATCH) -> list[int]:
    """Lease up to `limit` due cases whose lease is free or expired to `owner`; their ids, earliest due first."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        conn = uow.session.connection()
        ids = list(conn.scalars(_DUE, {"now": uow.now, "limit": limit}))
        if ids:
            until = uow.now + lease
            conn.execute(_LEASE, [{"case_id": i, "owner": owner, "until": until} for i in ids])
        uow.commit()
    return ids


def release(ctx: EngineContext, owner: str, case_ids: list[int]) -> None:
    """Give back leases not used (a worker stopping mid-batch) so other workers need not wait for them."""
    if not case_ids:
        return
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.connection().execute(_RELEASE, [{"case_id": i, "owner": owner} for i in case_ids])
        uow.commit()


def fire_case(ctx: EngineContext, case_id: int, owner: str) -> bool:
    """Fire one leased case's due timers in its own transaction; False when the lease is no longer ours or nothing is due.

    Raises: ScriptFailed (the case is marked in error and its lease given back).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        released: CursorResult[object] = uow.session.connection().execute(_RELEASE, {"case_id": case_id, "owner": owner})
        if released.rowcount != 1:
            return False  # another worker took the case over after our lease ran out; it fires it
        # Whether the lease ran out meanwhile does not matter: no one else took it, and the row is locked.
        case = case_rows.lock_existing(uow.session, case_id)
        if case.status != CaseStatus.RUNNING or case.next_timer_at is None or case.next_timer_at >= uow.now:
            uow.commit()  # a handler moved the case on since the claim; only the lease is cleared
            return False
        bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
        due = case.next_timer_at
        armed = notices.waiting(workflow)
        try:
            runtime.fire_timers(workflow)
        except ScriptFailed as exc:
            failed = exc
        else:
            rang = notices.fired(armed, workflow)
            # Notified before the task index is rewritten: a reminder names the task as it stood when due.
            notified = notices.send(uow, case, rang, ctx.config.timezone)
            open_ids = workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow)
            details: dict[str, object] = {"due_at": due.isoformat(), "worker": owner}
            if rang:
                details["notices"] = [{"kind": n.kind, "task_id": n.task_id} for n in rang]
                details["notified"] = notified
            record_event(uow, case, "timer_fired", SYSTEM, details=details)
            finish(uow, case, open_ids)
            return True
    # The step and the lease clearing were rolled back together; the case is no longer running after this.
    mark_failed(ctx, SYSTEM, case_id, failed, None, None)
    release(ctx, owner, [case_id])
    raise failed


def fire_claimed(
    ctx: EngineContext, owner: str, case_ids: list[int], stop: Callable[[], bool] | None = None
) -> FireReport:
    """Fire claimed cases one by one; when `stop` says so, finish the current case and give the rest back."""
    report = FireReport(claimed=len(case_ids))
    for n, case_id in enumerate(case_ids):
        if stop is not None and stop():
            release(ctx, owner, case_ids[n:])
            break
        try:
            if fire_case(ctx, case_id, owner):
                report.fired.append(case_id)
        except ScriptFailed as exc:
            report.failed[case_id] = exc.message
        # Anything else (a lost connection, a state that does not load) must not stop the other cases.
        # The lease is kept: the case is tried again when it runs out, not in a tight loop.
        except Exception as exc:  # noqa: BLE001
            report.failed[case_id] = f"{type(exc).__name__}: {exc}"
    return report


def sweep(
    ctx: EngineContext, owner: str, lease: timedelta = DEFAULT_LEASE, limit: int = DEFAULT_BATCH,
    stop: Callable[[], bool] | None = None,
) -> FireReport:
    """Claim one batch of due cases and fire it."""
    return fire_claimed(ctx, owner, claim_due(ctx, owner, lease, limit), stop)


def fire_due_timers(ctx: EngineContext, limit: int = 100) -> FireReport:
    """Fire every due case once; a case that fails is recorded on the case and the sweep goes on."""
    return sweep(ctx, worker_id(), DEFAULT_LEASE, limit)


def run_worker(
    ctx: EngineContext, owner: str, stop: threading.Event, lease: timedelta = DEFAULT_LEASE, batch: int = DEFAULT_BATCH,
    interval: float = DEFAULT_INTERVAL, once: bool = False, on_report: Callable[[FireReport], None] | None = None,
) -> None:
    """Claim and fire batches until `stop` is set (with `once`, until nothing more is due), resting `interval` between."""
    while not stop.is_set():
        try:
            report = sweep(ctx, owner, lease, batch, stop.is_set)
        except (DBAPIError, EngineError) as exc:
            if once:
                raise
            # The database is away or busy: a long-running worker waits and tries again.
            report = FireReport(error=str(exc))
        if on_report is not None:
            on_report(report)
        # Mail goes out after the commits that stored the notifications; unreachable servers are retried later.
        mailer.send_pending(ctx)
        # Documents issued since the last sweep get their PDF and DOCX outside the steps that issued them.
        rendering.render_pending(ctx)
        if report.claimed == batch and report.fired:
            continue  # a full batch that made progress: more may be due already
        if once:
            break
        stop.wait(interval)
