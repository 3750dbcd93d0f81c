"""Several `rcjc worker` processes on one PostgreSQL database: each timer fires once, a killed worker's cases are taken over.

PostgreSQL only (SQLite serializes writers on one machine): the test has an instance only when DATABASE_URL
points at PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func, select

from engine.access.policy import SYSTEM, Actor
from engine.clock import SystemClock
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.models import AuditEvent, Case
from engine.procedure import services
from engine.procedure.consistency import check_all, tally_problems
from tests.support.bpmn import timer_files
from tests.support.commands import worker_command
from tests.support.context import BACKENDS, make_context
from tests.support.people import STARTER

POSTGRESQL = [b for b in BACKENDS if b == "postgresql"]
pytestmark = pytest.mark.parametrize("db_url", POSTGRESQL, indirect=True)


class Workers:
    """`rcjc worker` processes on the test's database, their output in files; all stopped at the end."""

    def __init__(self, db_url: str, directory: Path) -> None:
        self._env = {**os.environ, "DATABASE_URL": db_url}
        self._directory = directory
        self._running: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str, *options: str) -> subprocess.Popen[bytes]:
        """Start a worker with these options."""
        log = (self._directory / f"{name}.log").open("wb")
        try:
            proc = subprocess.Popen(worker_command(*options), env=self._env, stdout=log, stderr=subprocess.STDOUT)
        except OSError:
            log.close()
            raise
        self._running.append((name, proc, log))
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> int:
        """SIGTERM: the worker finishes its current case and exits; its exit status."""
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=30)

    def output(self) -> str:
        """What every worker printed, for failure messages."""
        return "\n".join(f"--- {name}\n" + (self._directory / f"{name}.log").read_text(errors="replace")
                         for name, _, _ in self._running)

    def close(self) -> None:
        """Kill what still runs and close the log files."""
        for _, proc, log in self._running:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            log.close()


@pytest.fixture
def live(db_url: str) -> Iterator[EngineContext]:
    """A context on the real clock: the worker processes see the timers due when the test does."""
    ctx = make_context(db_url, SystemClock())
    deploy(ctx, SYSTEM, timer_files())
    yield ctx
    ctx.db.dispose()


@pytest.fixture
def workers(db_url: str, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(db_url, tmp_path)
    try:
        yield running
    finally:
        running.close()


def start_cases(ctx: EngineContext, count: int, actor: Actor = STARTER) -> list[int]:
    """Cases whose timer falls due two seconds after each start."""
    return [services.start_case(ctx, actor, "timer", "standard", {"divisor": 4}).case_id for _ in range(count)]


def unfired(ctx: EngineContext, ids: list[int]) -> int:
    with ctx.sessions() as s:
        return s.scalar(select(func.count()).select_from(Case).where(
            Case.id.between(ids[0], ids[-1]), Case.next_timer_at.is_not(None))) or 0


def fired_events(ctx: EngineContext, ids: list[int]) -> list[AuditEvent]:
    with ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.case_id.between(ids[0], ids[-1]), AuditEvent.event == "timer_fired")))


def wait_until(condition: Callable[[], bool], timeout: float, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}\n{workers.output()}")
        time.sleep(0.01)


def wait_until_all_due(ctx: EngineContext, ids: list[int]) -> None:
    with ctx.sessions() as s:
        latest = s.scalar(select(func.max(Case.next_timer_at)).where(Case.id.between(ids[0], ids[-1])))
    assert latest is not None
    time.sleep(max(0.0, (latest - SystemClock().now()).total_seconds()) + 0.05)


def test_three_workers_fire_a_thousand_timers_once_and_take_over_a_killed_workers_cases(
    live: EngineContext, workers: Workers
) -> None:
    # Three workers share a thousand due cases: every timer fires exactly once.
    ids = start_cases(live, 1000)
    sharing = [workers.start(f"shared{n}", "--interval", "0.2", "--batch", "25", "--lease", "30") for n in range(3)]
    wait_until(lambda: unfired(live, ids) == 0, 60, "the thousand timers fired", workers)
    assert [workers.stop(p) for p in sharing] == [0, 0, 0], workers.output()
    events = fired_events(live, ids)
    per_case = Counter(e.case_id for e in events)
    assert len(per_case) == 1000 and set(per_case.values()) == {1}
    assert len({e.details["worker"] for e in events}) > 1, "the work was not shared"

    # One worker leases a whole batch and is killed while firing it.
    batch = start_cases(live, 600)
    wait_until_all_due(live, batch)
    doomed = workers.start("doomed", "--interval", "0.2", "--batch", "600", "--lease", "8")
    wait_until(lambda: 0 < len(batch) - unfired(live, batch), 30, "the doomed worker fired a first case", workers)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    with live.sessions() as s:
        leased = s.execute(select(Case.id, Case.lease_owner, Case.lease_until).where(
            Case.id.between(batch[0], batch[-1]), Case.next_timer_at.is_not(None))).all()
    owners = {owner for _, owner, _ in leased}
    assert len(owners) == 1 and f":{doomed.pid}:" in str(owners.pop()), leased[:3]
    left: dict[int, datetime] = {case_id: until for case_id, _, until in leased}
    assert 0 < len(left) < len(batch), "the worker was killed before or after its batch, not in it"

    # The others take the killed worker's cases over once its leases have run out, and fire each once.
    survivors = [workers.start(f"survivor{n}", "--interval", "0.2", "--batch", "20", "--lease", "30") for n in range(2)]
    wait_until(lambda: unfired(live, batch) == 0, 40, "the killed worker's cases fired", workers)
    assert [workers.stop(p) for p in survivors] == [0, 0], workers.output()
    events = fired_events(live, batch)
    per_case = Counter(e.case_id for e in events)
    assert len(per_case) == len(batch) and set(per_case.values()) == {1}
    taken_over = [e for e in events if e.case_id in left]
    assert len(taken_over) == len(left)
    assert all(e.at > left[e.case_id] for e in taken_over), "a leased case fired before its lease ran out"
    assert all(f":{doomed.pid}:" not in e.details["worker"] for e in taken_over)
    # Nothing the killed worker was doing is left half-written: every case agrees with itself.
    assert [c.problems for c in check_all(live) if not c.ok] == []
    assert tally_problems(live) == []
