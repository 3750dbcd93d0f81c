"""Timer workers: leases between workers, takeover of expired leases, a broken case skipped, the worker command."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence import audit
from engine.persistence.models import AuditEvent, Case
from engine.procedure import services, timers
from engine.procedure.consistency import tally_problems
from tests.support.bpmn import timer_files
from tests.support.clock import FrozenClock
from tests.support.commands import worker_command
from tests.support.people import STARTER
from webapp.cli import main

TIMER_DELAY = timedelta(seconds=3)  # past the fixture's timer, "PT2S" after the start


@pytest.fixture
def timer_ctx(ctx: EngineContext) -> EngineContext:
    deploy(ctx, SYSTEM, timer_files())
    return ctx


def start(ctx: EngineContext, divisor: int = 4) -> int:
    return services.start_case(ctx, STARTER, "timer", "standard", {"divisor": divisor}).case_id


def case_of(ctx: EngineContext, case_id: int) -> Case:
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def fired_events(ctx: EngineContext, case_id: int) -> list[AuditEvent]:
    with ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.event == "timer_fired")))


def test_a_due_case_is_claimed_fired_once_and_its_lease_cleared(timer_ctx: EngineContext, clock: FrozenClock) -> None:
    case_id = start(timer_ctx)
    assert timers.claim_due(timer_ctx, "w1") == []  # not due yet
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "w1", timedelta(seconds=60)) == [case_id]
    leased = case_of(timer_ctx, case_id)
    assert leased.lease_owner == "w1" and leased.lease_until == clock.now() + timedelta(seconds=60)
    assert timers.fire_case(timer_ctx, case_id, "w1") is True
    assert timers.fire_case(timer_ctx, case_id, "w1") is False  # the lease went with the firing
    done = case_of(timer_ctx, case_id)
    assert (done.lease_owner, done.lease_until, done.next_timer_at) == (None, None, None)
    assert [e.details["worker"] for e in fired_events(timer_ctx, case_id)] == ["w1"]
    assert timers.claim_due(timer_ctx, "w2") == []


def test_a_lease_held_by_a_live_worker_is_not_taken(timer_ctx: EngineContext, clock: FrozenClock) -> None:
    case_id = start(timer_ctx)
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "w1", timedelta(seconds=60)) == [case_id]
    clock.advance(timedelta(seconds=59))
    assert timers.claim_due(timer_ctx, "w2", timedelta(seconds=60)) == []
    assert timers.fire_case(timer_ctx, case_id, "w2") is False  # firing without the lease is refused too
    assert timers.fire_due_timers(timer_ctx).fired == []
    assert case_of(timer_ctx, case_id).lease_owner == "w1" and fired_events(timer_ctx, case_id) == []


def test_an_expired_lease_is_taken_over(timer_ctx: EngineContext, clock: FrozenClock) -> None:
    case_id = start(timer_ctx)
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "killed", timedelta(seconds=60)) == [case_id]
    clock.advance(timedelta(seconds=61))  # the worker that claimed it never came back
    assert timers.fire_due_timers(timer_ctx).fired == [case_id]
    case = case_of(timer_ctx, case_id)
    assert case.lease_owner is None and case.status == "running" and case.next_timer_at is None
    assert len(fired_events(timer_ctx, case_id)) == 1


def test_fire_case_refuses_when_the_lease_was_taken_over_meanwhile(timer_ctx: EngineContext, clock: FrozenClock) -> None:
    case_id = start(timer_ctx)
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "slow", timedelta(seconds=10)) == [case_id]
    clock.advance(timedelta(seconds=11))
    assert timers.claim_due(timer_ctx, "fast", timedelta(seconds=10)) == [case_id]
    before = case_of(timer_ctx, case_id)
    assert timers.fire_case(timer_ctx, case_id, "slow") is False
    after = case_of(timer_ctx, case_id)
    assert (after.version, after.state, after.lease_owner) == (before.version, before.state, "fast")
    assert timers.fire_case(timer_ctx, case_id, "fast") is True
    assert [e.details["worker"] for e in fired_events(timer_ctx, case_id)] == ["fast"]


def test_a_failing_case_is_recorded_and_the_next_case_still_fires(timer_ctx: EngineContext, clock: FrozenClock) -> None:
    broken = start(timer_ctx, divisor=0)
    clock.advance(timedelta(seconds=1))
    healthy = start(timer_ctx, divisor=4)
    clock.advance(TIMER_DELAY)
    report = timers.fire_due_timers(timer_ctx)
    assert report.fired == [healthy] and list(report.failed) == [broken]
    assert "division or modulo by zero" in report.failed[broken]
    failed = case_of(timer_ctx, broken)
    assert failed.status == "error" and failed.error and failed.error["actor"] == SYSTEM.username
    assert failed.lease_owner is None and fired_events(timer_ctx, broken) == []
    assert case_of(timer_ctx, healthy).status == "running" and len(fired_events(timer_ctx, healthy)) == 1
    with timer_ctx.sessions() as s:
        assert all(r.ok for r in audit.verify(s))
    assert timers.fire_due_timers(timer_ctx).fired == []  # the broken case is not retried by the worker


def test_a_case_whose_state_does_not_load_keeps_its_lease_and_the_others_of_its_batch_fire(
    timer_ctx: EngineContext, clock: FrozenClock
) -> None:
    first, broken, last = (start(timer_ctx) for _ in range(3))
    with timer_ctx.db.begin() as conn:
        conn.execute(update(Case).where(Case.id == broken).values(state=b"not a workflow"))
    clock.advance(TIMER_DELAY)
    report = timers.sweep(timer_ctx, "w1", timedelta(seconds=60), limit=10)
    assert report.fired == [first, last] and list(report.failed) == [broken]
    assert [len(fired_events(timer_ctx, i)) for i in (first, broken, last)] == [1, 0, 1]
    # Tried again once the lease runs out, not in a tight loop by the same worker.
    assert case_of(timer_ctx, broken).lease_owner == "w1" and timers.claim_due(timer_ctx, "w1") == []


def test_a_batch_skips_the_case_another_worker_took_over_and_fires_the_rest_once(
    timer_ctx: EngineContext, clock: FrozenClock
) -> None:
    ids = [start(timer_ctx) for _ in range(3)]
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "slow", timedelta(seconds=10), limit=10) == ids
    clock.advance(timedelta(seconds=11))
    assert timers.claim_due(timer_ctx, "fast", timedelta(seconds=10), limit=1) == ids[:1]
    assert timers.fire_claimed(timer_ctx, "slow", ids).fired == ids[1:]
    assert timers.fire_claimed(timer_ctx, "fast", ids[:1]).fired == ids[:1]
    assert [[e.details["worker"] for e in fired_events(timer_ctx, i)] for i in ids] == [["fast"], ["slow"], ["slow"]]


def test_a_case_no_longer_due_when_its_turn_comes_only_loses_its_lease(
    timer_ctx: EngineContext, clock: FrozenClock
) -> None:
    case_id = start(timer_ctx)
    clock.advance(TIMER_DELAY)
    assert timers.claim_due(timer_ctx, "w1") == [case_id]
    later = clock.now() + timedelta(days=1)
    with timer_ctx.db.begin() as conn:  # as if a handler had moved the case on to a later timer meanwhile
        conn.execute(update(Case).where(Case.id == case_id).values(next_timer_at=later))
    before = case_of(timer_ctx, case_id)
    assert timers.fire_claimed(timer_ctx, "w1", [case_id]).fired == []
    after = case_of(timer_ctx, case_id)
    assert (after.lease_owner, after.version, after.state, after.next_timer_at) == (None, before.version, before.state, later)
    assert fired_events(timer_ctx, case_id) == []


def test_a_stopping_worker_finishes_the_current_case_and_gives_the_rest_back(
    timer_ctx: EngineContext, clock: FrozenClock
) -> None:
    ids = [start(timer_ctx) for _ in range(3)]
    clock.advance(TIMER_DELAY)
    claimed = timers.claim_due(timer_ctx, "w1", limit=10)
    assert sorted(claimed) == ids
    asked: list[bool] = []

    def stop() -> bool:  # the signal comes while the first case fires: asked before it, then before the second
        asked.append(True)
        return len(asked) > 1

    report = timers.fire_claimed(timer_ctx, "w1", claimed, stop=stop)
    assert report.fired == [claimed[0]]
    assert [len(fired_events(timer_ctx, i)) for i in claimed] == [1, 0, 0]
    assert [case_of(timer_ctx, i).lease_owner for i in ids] == [None, None, None]
    assert sorted(timers.claim_due(timer_ctx, "w2", limit=10)) == sorted(claimed[1:])  # no wait for an expiry


def test_a_batch_writes_its_change_to_the_figures_once_just_before_its_commit(
    timer_ctx: EngineContext, clock: FrozenClock
) -> None:
    ids = [start(timer_ctx) for _ in range(3)]
    clock.advance(TIMER_DELAY)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(timer_ctx.db, "before_cursor_execute", seen)
    try:
        report = timers.sweep(timer_ctx, "w1", limit=10)
    finally:
        event.remove(timer_ctx.db, "before_cursor_execute", seen)
    assert sorted(report.fired) == ids  # each case's check step opens: the figures count it as open
    # Riding with the first case's write, the shared counts would stay locked for the whole batch: other workers
    # firing cases filed the same month would wait for it.
    [tallied] = [n for n, s in enumerate(statements) if "figure_tally" in s]
    assert statements[tallied].startswith("INSERT INTO figure_tally")
    assert tallied > max(n for n, s in enumerate(statements) if s.startswith("UPDATE") or "UPDATE \"case\"" in s)
    assert tally_problems(timer_ctx) == []


def test_the_worker_command_fires_everything_due_in_batches(
    timer_ctx: EngineContext, clock: FrozenClock, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [start(timer_ctx) for _ in range(5)]
    clock.advance(TIMER_DELAY)
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(main, ["worker", "--once", "--batch", "2", "--lease", "30"])
    assert result.exit_code == 0, result.output
    assert "fired timers of 2 case(s)" in result.output and "fired timers of 1 case(s)" in result.output
    assert all(len(fired_events(timer_ctx, i)) == 1 for i in ids)
    assert all(case_of(timer_ctx, i).lease_owner is None for i in ids)


def test_the_worker_loop_waits_out_a_database_error_and_goes_on(
    timer_ctx: EngineContext, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = start(timer_ctx)
    clock.advance(TIMER_DELAY)
    real_sweep = timers.sweep
    calls: list[int] = []
    reports: list[timers.FireReport] = []
    stop = threading.Event()

    def flaky(*args: Any, **kwargs: Any) -> timers.FireReport:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("connection lost"))
        return real_sweep(*args, **kwargs)

    def seen(report: timers.FireReport) -> None:
        reports.append(report)
        if report.fired or len(reports) > 5:
            stop.set()

    monkeypatch.setattr(timers, "sweep", flaky)
    timers.run_worker(timer_ctx, "w1", stop, interval=0, on_report=seen)
    assert reports[0].error and "connection lost" in reports[0].error
    assert reports[-1].fired == [case_id]
    calls.clear()
    with pytest.raises(OperationalError):  # a one-off run reports the failure instead
        timers.run_worker(timer_ctx, "w1", threading.Event(), once=True)


def test_the_worker_command_exits_cleanly_on_sigterm(db_url: str, ctx: EngineContext, tmp_path: Path) -> None:
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(worker_command("--interval", "0.1"), env={**os.environ, "DATABASE_URL": db_url},
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while "started" not in log_path.read_text() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, log_path.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert "stopped" in log_path.read_text()
