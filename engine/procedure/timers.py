"""Firing due timers: cases claimed with a lease, fired several to a transaction, a broken case recorded and skipped.

A worker first takes a batch of due cases in one short transaction, with one statement that writes its id and a
lease end on them; other workers pass over leased cases until the lease runs out, so a killed worker's cases are
taken over once its leases expire. Firing then locks in one statement the cases whose lease is still the worker's,
and fires them in the same transaction, each firing's write clearing its lease: the row locks and that check make
a timer fire once however many workers run. A commit per case cost more than firing a small case, so the cases
share one. When any case fails, the whole transaction is rolled back and the cases are fired again one
to a transaction, so a broken case is recorded on its own and never takes the others' firing with it.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.errors import EngineError, ScriptFailed
from engine.notifications import mailer, notices
from engine.persistence import case_rows, figure_tally, riders
from engine.persistence.case_rows import CaseRow
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, TaskIndex, table
from engine.persistence.uow import UnitOfWork
from engine.procedure import rendering, runtime, workflow_store
from engine.procedure.services import mark_failed, record_event

CASES = table(Case)
TASKS = table(TaskIndex)
# Long enough for a batch to fire many times over; it only bounds how long a killed worker delays its cases.
DEFAULT_LEASE = timedelta(minutes=2)
DEFAULT_BATCH = 20
DEFAULT_INTERVAL = 5.0
# Cases fired in one transaction: enough to spread a commit thin, few enough that a handler waiting on one
# of their row locks waits only tens of milliseconds.
TOGETHER = 25

# Strictly before now, as SpiffWorkflow decides whether a timer has fired: at the very instant it would not.
_IS_DUE = and_(CASES.c.status == CaseStatus.RUNNING, CASES.c.next_timer_at.is_not(None),
               CASES.c.next_timer_at < bindparam("now"))
# The claim in one statement: the due cases whose lease is free or expired, taken earliest due first, each leased.
# Workers pass over the rows another worker is claiming instead of queueing behind it (SQLite has no row locks and
# renders nothing for SKIP LOCKED: its write transactions are serialized already).
_CLAIM = (
    update(CASES)
    .where(CASES.c.id.in_(
        select(CASES.c.id)
        .where(_IS_DUE, or_(CASES.c.lease_until.is_(None), CASES.c.lease_until < bindparam("now")))
        .order_by(CASES.c.next_timer_at, CASES.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()))
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until", type_=CASES.c.lease_until.type))
    .returning(CASES.c.id, CASES.c.next_timer_at)
)
# Clearing a lease is also the check that it is still ours: the UPDATE locks the row and matches only then.
_RELEASE = (
    update(CASES)
    .where(CASES.c.id == bindparam("case_id"), CASES.c.lease_owner == bindparam("owner"))
    .values(lease_owner=None, lease_until=None)
)
# Several cases at once, locked as the write path reads them while the lease is still ours. The lease stays on the
# row until the firing's own write clears it: no extra version of each row.
_TAKE = (
    select(*(CASES.c[c] for c in case_rows.COLUMNS))
    .where(CASES.c.id.in_(bindparam("case_ids", expanding=True)), CASES.c.lease_owner == bindparam("owner"))
    .with_for_update()
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


def claim_due(ctx: EngineContext, owner: str, lease: timedelta = DEFAULT_LEASE, limit: int = DEFAULT_BATCH) -> list[int]:
    """Lease up to `limit` due cases whose lease is free or expired to `owner`; their ids, earliest due first."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        claimed = uow.session.connection().execute(
            _CLAIM, {"now": uow.now, "limit": limit, "owner": owner, "until": uow.now + lease}).all()
        uow.commit()
    return [case_id for case_id, _due in sorted(claimed, key=lambda row: (row.next_timer_at, row.id))]


def release(ctx: EngineContext, owner: str, case_ids: list[int]) -> None:
    """Give back leases not used (a worker stopping mid-batch) so other workers need not wait for them."""
    if not case_ids:
        return
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.connection().execute(_RELEASE, [{"case_id": i, "owner": owner} for i in case_ids])
        uow.commit()


def _is_due(case: CaseRow, now: datetime) -> bool:
    return case.status == CaseStatus.RUNNING and case.next_timer_at is not None and case.next_timer_at < now


def _fire_locked(ctx: EngineContext, uow: UnitOfWork, case: CaseRow, owner: str, task_rows: list[Any] | None = None,
                 checks: list[Callable[[], None]] | None = None) -> None:
    """Fire a locked case's due timers and write the case (its check left in `checks` when given); the caller commits.

    Raises: ScriptFailed (the caller rolls the step back; see fire_case and fire_claimed).
    """
    bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
    due = case.next_timer_at
    armed = notices.waiting(workflow)
    runtime.fire_timers(workflow)
    rang = notices.fired(armed, workflow)
    # Notified before the task index is rewritten: a reminder names the task as it stood when due.
    notified = notices.send(uow, case, rang, ctx.config.timezone)
    # The open task ids it returns tell a handler where the case went; a timer has no one to tell.
    workflow_store.save_workflow(ctx, uow.session, case, bundle, workflow, task_rows)
    details: dict[str, object] = {"due_at": due.isoformat() if due else None, "worker": owner}
    if rang:
        details["notices"] = [{"kind": n.kind, "task_id": n.task_id} for n in rang]
        details["notified"] = notified
    record_event(uow, case, "timer_fired", SYSTEM, details=details)
    case.lease_owner = case.lease_until = None  # the claim ends with the firing, in the same write
    case_rows.write(uow.session, case, checks)


def fire_case(ctx: EngineContext, case_id: int, owner: str) -> bool:
    """Fire one leased case's due timers in its own transaction; False when the lease is no longer ours or nothing is due.

    Raises: ScriptFailed (the case is marked in error and its lease given back).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow, riders.carry(uow.session):
        released: CursorResult[object] = uow.session.connection().execute(_RELEASE, {"case_id": case_id, "owner": owner})
        if released.rowcount != 1:
            return False  # another worker took the case over after our lease ran out; it fires it
        # Whether the lease ran out meanwhile does not matter: no one else took it, and the row is locked.
        case = case_rows.lock_existing(uow.session, case_id)
        if not _is_due(case, uow.now):
            uow.commit()  # a handler moved the case on since the claim; only the lease is cleared
            return False
        try:
            _fire_locked(ctx, uow, case, owner)
        except ScriptFailed as exc:
            failed = exc
        else:
            uow.commit()
            return True
    # The step and the lease clearing were rolled back together; the case is no longer running after this.
    mark_failed(ctx, SYSTEM, case_id, failed, None, None)
    release(ctx, owner, [case_id])
    raise failed


def _take(session: Session, owner: str, case_ids: list[int]) -> dict[int, CaseRow]:
    """Lock these cases while their lease is still ours; those cases (the others were taken over)."""
    rows = session.connection().execute(_TAKE, {"case_ids": case_ids, "owner": owner})
    return {row.id: CaseRow(**row._mapping) for row in rows}


def fire_together(
    ctx: EngineContext, owner: str, case_ids: list[int], stop: Callable[[], bool] | None = None
) -> tuple[list[int], int]:
    """Fire leased cases in one transaction; the ids fired and how many cases were dealt with (fewer when stopped).

    The cases left when `stop` says so are given back with the commit. Raises what a case raised, after rolling
    the whole transaction back: the leases are then still ours, and no case of the batch has fired.
    """
    fired: list[int] = []
    # On PostgreSQL each case's audit event and notifications go with its row's UPDATE: a round trip fewer per case.
    with UnitOfWork(ctx.sessions, ctx.clock) as uow, riders.carry(uow.session):
        # The batch's net change to the figures goes in one statement at the commit: riding with the first case, its
        # row locks would keep the other workers waiting for the whole batch.
        figure_tally.at_commit(uow.session)
        # One statement checks and locks every lease: a case another worker took over is not among them.
        cases = _take(uow.session, owner, case_ids)
        # The batch's task rows in one SELECT, not one per case (rows are locked with their cases' rows).
        rows: dict[int, list[Any]] = {case_id: [] for case_id in cases}
        if cases:
            for row in uow.session.connection().execute(select(TASKS).where(TASKS.c.case_id.in_(list(cases)))):
                rows[row.case_id].append(row)
        done = 0
        checks: list[Callable[[], None]] = []
        for case_id in case_ids:
            # The caller asked before the first case; a stop is heard before each further one.
            if done and stop is not None and stop():
                break
            done += 1
            case = cases.get(case_id)
            if case is None or not _is_due(case, uow.now):
                continue  # taken over by another worker, or moved on by a handler since the claim
            _fire_locked(ctx, uow, case, owner, rows[case_id], checks)
            fired.append(case_id)
        # The cases' writes went together, with whatever statement next waited for an answer; each is checked here.
        for check in checks:
            check()
        # The leases not ended by a firing (a case moved on since the claim, or not reached before a stop) are given
        # back with the commit.
        kept = [{"case_id": case_id, "owner": owner} for case_id in cases if case_id not in fired]
        if kept:
            uow.session.connection().execute(_RELEASE, kept)
        uow.commit()
    return fired, done


def _fire_each(
    ctx: EngineContext, owner: str, case_ids: list[int], report: FireReport, stop: Callable[[], bool] | None
) -> bool:
    """Fire cases one to a transaction, recording failures in the report; True when stopped (the rest given back)."""
    for n, case_id in enumerate(case_ids):
        if n and stop is not None and stop():
            release(ctx, owner, case_ids[n:])
            return True
        try:
            if fire_case(ctx, case_id, owner):
                report.fired.append(case_id)
        except ScriptFailed as exc:
            report.failed[case_id] = exc.message
        # Anything else (a lost connection, a state that does not load) must not stop the other cases.
        # The lease is kept: the case is tried again when it runs out, not in a tight loop.
        except Exception as exc:  # noqa: BLE001
            report.failed[case_id] = f"{type(exc).__name__}: {exc}"
    return False


def fire_claimed(
    ctx: EngineContext, owner: str, case_ids: list[int], stop: Callable[[], bool] | None = None,
    together: int = TOGETHER,
) -> FireReport:
    """Fire claimed cases, `together` to a transaction; when `stop` says so, finish the current case and give the rest back."""
    report = FireReport(claimed=len(case_ids))
    for start in range(0, len(case_ids), together):
        if stop is not None and stop():
            release(ctx, owner, case_ids[start:])
            break
        part = case_ids[start:start + together]
        try:
            fired, done = fire_together(ctx, owner, part, stop)
        # A case failed and took the transaction with it: each case again on its own, so only the broken one fails.
        except Exception:  # noqa: BLE001
            stopped = _fire_each(ctx, owner, part, report, stop)
        else:
            report.fired += fired
            stopped = done < len(part)
        if stopped:
            release(ctx, owner, case_ids[start + len(part):])
            break
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
