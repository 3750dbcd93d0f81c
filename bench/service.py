"""Variant 2: rcjc's service layer on a fresh SQLite file database, one transaction per request."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from time import perf_counter

from argon2 import PasswordHasher
from sqlalchemy import select

from engine.access import users
from engine.access.policy import Actor
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence import audit
from engine.persistence.db import Base
from engine.persistence.models import Case, CaseHandler
from engine.persistence.uow import UnitOfWork
from engine.procedure import services

from .case import ENTRY, PROCESS_ID, START_DATA, START_GROUP, STEPS, model_files
from .timing import CaseTiming, CaseTrace

OWNER = "process_owner"
GROUPS = sorted({START_GROUP, *(s.group for s in STEPS)})
APPLICANT_UNIT = str(START_DATA["cadre_unit"])


@contextmanager
def cheap_password_hashing() -> Iterator[None]:
    """Use a low-cost argon2 hasher while benchmark users are created (production costs ~50 ms each)."""
    saved = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        users._hasher = saved


def create_users(ctx: EngineContext) -> dict[str, Actor]:
    """One user per group that acts in the case, plus a process owner; returned as actors by group."""
    names = {group: f"bench_{group}" for group in [*GROUPS, OWNER]}
    with cheap_password_hashing(), UnitOfWork(ctx.sessions, ctx.clock) as uow:
        for group, name in names.items():
            unit = APPLICANT_UNIT if group == "applicant_org" else None
            users.create_user(uow.session, name, "Quarry-Ledger-Bench-4172", [group], uow.now, unit)
        uow.commit()
    with ctx.sessions() as session:
        return {group: users.actor_for(session, name) for group, name in names.items()}


class ServiceVariant:
    """engine.procedure.services.start_case and complete_task: restricted scripts, task index, audit chain, commits."""

    label = "rcjc services"

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="rcjc-bench-")
        self.db_path = Path(self._tmp.name) / "bench.sqlite3"
        started = perf_counter()
        self.ctx = EngineContext.create(f"sqlite:///{self.db_path}", EngineConfig())
        Base.metadata.create_all(self.ctx.db)
        self.actors = create_users(self.ctx)
        deployed = perf_counter()
        deploy(self.ctx, self.actors[OWNER], model_files())
        self.setup = {"schema + users": deployed - started, "deploy bundle": perf_counter() - deployed}

    def run_case(self) -> CaseTiming:
        """Run one whole case, timing start_case and every complete_task."""
        times: list[float] = []
        case_start = perf_counter()
        result = services.start_case(self.ctx, self.actors[START_GROUP], PROCESS_ID, ENTRY, START_DATA)
        times.append(perf_counter() - case_start)
        for step in STEPS:
            began = perf_counter()
            (task_id,) = result.open_task_ids
            result = services.complete_task(self.ctx, self.actors[step.group], task_id, step.data)
            times.append(perf_counter() - began)
        total = perf_counter() - case_start
        if result.status != "completed":
            raise RuntimeError(f"rcjc case ended as {result.status!r}")
        return CaseTiming(total, tuple(times))

    def _stored(self, case_id: int) -> tuple[int, datetime | None]:
        with self.ctx.sessions() as session:
            case = session.get(Case, case_id)
            if case is None:
                return 0, None
            return len(case.state), case.next_timer_at

    def trace(self) -> CaseTrace:
        """Run one case untimed, recording the stored state size after each request and checking the audit chain."""
        result = services.start_case(self.ctx, self.actors[START_GROUP], PROCESS_ID, ENTRY, START_DATA)
        sizes = [self._stored(result.case_id)[0]]
        timers: list[str] = []
        for step in STEPS:
            (task_id,) = result.open_task_ids
            result = services.complete_task(self.ctx, self.actors[step.group], task_id, step.data)
            size, due = self._stored(result.case_id)
            sizes.append(size)
            timers += [f"{due.isoformat()} (after {step.bpmn_id})"] if due is not None else []
        with self.ctx.sessions() as session:
            handlers = session.scalars(
                select(CaseHandler.bpmn_id).where(CaseHandler.case_id == result.case_id).order_by(CaseHandler.id)
            )
            path = tuple(handlers)
            case = session.get(Case, result.case_id)
            chain_ok = all(report.ok for report in audit.verify(session, result.case_id))
        notes = (
            f"boundary timer armed, due {', '.join(timers) or 'NEVER'}",
            f"audit chain of the traced case {'verifies' if chain_ok else 'DOES NOT VERIFY'}",
        )
        outcome = case.outcome if case is not None else None
        return CaseTrace(path, tuple(sizes), None, result.status == "completed", outcome, notes)

    def close(self) -> None:
        """Close the connections and remove the database file."""
        self.ctx.db.dispose()
        self._tmp.cleanup()
