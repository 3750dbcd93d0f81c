"""The case row on the write path: read, lock and write with prepared Core statements.

Every use case locks one case row, changes it and writes it back once. The ORM's unit of work cost
several times the engine's own work per step, so this path uses Core statements built once, and
keeps the optimistic version check explicit. The statements run on the session's connection:
`Session.execute` would add an ORM execution layer they do not need. Only the columns that changed
are written: naming an indexed column in an UPDATE rewrites its index entry even when the value is
the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from engine.errors import Conflict, NotFound
from engine.persistence import case_words, figure_tally, riders
from engine.persistence.db import connection
from engine.persistence.lifecycle import CaseStatus
from engine.persistence.models import Case, TaskIndex, table
from engine.persistence.prepared import Pending, Prepared, Result

CASES = table(Case)
TASKS = table(TaskIndex)


@dataclass
class CaseRow:
    """The columns of one case, as the write path reads and changes them."""

    id: int
    process_version_id: int
    process_id: str
    status: CaseStatus
    state: bytes
    version: int
    next_timer_at: datetime | None
    started_by: str
    started_unit: str | None
    unit: str | None
    entry: str | None
    cadre_name: str | None
    matter: str | None
    closure: str | None
    outcome: str | None
    domain: str | None
    procedure: str | None
    error: dict[str, Any] | None
    audit_head: str | None
    audit_seq: int
    created_at: datetime
    updated_at: datetime
    # A timer worker's claim (engine.procedure.timers): its firing clears it in the same write.
    lease_owner: str | None
    lease_until: datetime | None
    # The column values as last read or written; `write` compares against them (so assign new values,
    # never mutate the error dict in place).
    _stored: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The column holds the plain value; the write path works with the enum so that mypy sees every status.
        self.status = CaseStatus(self.status)
        self._stored = {c: getattr(self, c) for c in MUTABLE}


COLUMNS = [f.name for f in fields(CaseRow) if f.init]
MUTABLE = [c for c in COLUMNS if c not in ("id", "process_version_id", "process_id", "started_by", "started_unit",
                                            "unit", "entry", "created_at", "version")]
# The changing columns a case's figures depend on.
FIGURE_COLUMNS = frozenset(("status", "outcome", "closure", "procedure", "domain"))
_SELECT = select(*(CASES.c[c] for c in COLUMNS))
_BY_ID = Prepared(_SELECT.where(CASES.c.id == bindparam("case_id")).with_for_update())
_BY_ID_SKIP_LOCKED = Prepared(_SELECT.where(CASES.c.id == bindparam("case_id")).with_for_update(skip_locked=True))
_BY_TASK = Prepared(_SELECT.where(
    CASES.c.id == select(TASKS.c.case_id).where(TASKS.c.id == bindparam("task_id")).scalar_subquery()
).with_for_update())
_UPDATES: dict[tuple[str, ...], Prepared] = {}
_INSERT = Prepared(insert(CASES).returning(CASES.c.id))


def _row(result: Result) -> CaseRow | None:
    found = result.first()
    return CaseRow(**found._mapping) if found is not None else None


def lock(session: Session, case_id: int, skip_locked: bool = False) -> CaseRow | None:
    """The case, its row locked until the transaction ends (None if absent or, with skip_locked, taken)."""
    return _row((_BY_ID_SKIP_LOCKED if skip_locked else _BY_ID).run(connection(session), {"case_id": case_id}))


def lock_existing(session: Session, case_id: int) -> CaseRow:
    """The case, locked; NotFound when there is none."""
    row = lock(session, case_id)
    if row is None:
        raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
    return row


def lock_of_task(session: Session, task_id: str) -> CaseRow | None:
    """The case an open task belongs to, locked; None when the task is not in the task index."""
    return case_of(locking_task(session, task_id))


def locking_task(session: Session, task_id: str) -> Pending:
    """Send the lock of an open task's case without waiting for it (`case_of` reads it): on PostgreSQL what the
    caller sends next goes in the same round trip."""
    return _BY_TASK.queue(connection(session), {"task_id": task_id})


def case_of(locking: Pending) -> CaseRow | None:
    """The case `locking_task` locked; None when the task is not in the task index."""
    return _row(locking.result())


def create(session: Session, values: dict[str, Any]) -> CaseRow:
    """Insert a new case (version 1) and return it."""
    values = {**values, "version": 1, "audit_seq": 0, "audit_head": None, "error": None}
    case_id = _INSERT.run(connection(session), values).scalar_one()
    case_words.index(session, case_id, values.get("cadre_name"), values.get("matter"), replace=False)
    full: dict[str, Any] = {c: values.get(c) for c in COLUMNS} | {"id": case_id}
    row = CaseRow(**full)
    figure_tally.change(session, figure_tally.month_of(row.created_at), (), _facts(row, full))
    return row


def _facts(row: CaseRow, values: dict[str, Any]) -> tuple[figure_tally.Fact, ...]:
    """The figures the case counts under with these values of its changing columns."""
    return figure_tally.case_facts(row.process_id, values["status"], values["outcome"], values["closure"],
                                   values["procedure"], values["domain"], row.unit)


def _update_of(changed: tuple[str, ...]) -> Update:
    """A new UPDATE of these columns plus the version, checking the version read."""
    return (update(CASES)
            .where(CASES.c.id == bindparam("case_id"), CASES.c.version == bindparam("expected_version"))
            .values({c: bindparam(c, type_=CASES.c[c].type) for c in changed} | {"version": bindparam("new_version")}))


def _update(changed: tuple[str, ...]) -> Prepared:
    """The UPDATE of these columns plus the version, built once per set of columns (there are few)."""
    statement = _UPDATES.get(changed)
    if statement is None:
        statement = _UPDATES[changed] = Prepared(_update_of(changed))
    return statement


_AUDIT_HEAD = Prepared(update(CASES).where(CASES.c.id == bindparam("case_id")).values(
    audit_seq=bindparam("audit_seq"), audit_head=bindparam("audit_head")))


def write_audit_head(session: Session, row: CaseRow) -> None:
    """Write only the audit chain's newest link of a locked case: events beside the workflow (files read or added)
    leave its version alone, so that a form filled against the case is not refused because someone read a file."""
    _AUDIT_HEAD.run(connection(session), {"case_id": row.id, "audit_seq": row.audit_seq, "audit_head": row.audit_head})
    row._stored |= {"audit_seq": row.audit_seq, "audit_head": row.audit_head}


def write(session: Session, row: CaseRow, checks: list[Callable[[], None]] | None = None) -> None:
    """Write the changed columns back with a new version; Conflict when someone changed the case since it was read.

    With `checks`, the write is queued (see Prepared.queue) and its check appended there, for the caller to run
    before it commits: a batch of timer firings sends its cases' writes together and checks them once.
    """
    values = {c: getattr(row, c) for c in MUTABLE}
    changed = tuple(c for c in MUTABLE if values[c] != row._stored[c])
    # The version is written even when nothing else changed: every use case bumps it.
    params = {c: values[c] for c in changed}
    params |= {"case_id": row.id, "expected_version": row.version, "new_version": row.version + 1}
    statement = _update(changed)
    if not FIGURE_COLUMNS.isdisjoint(changed):
        figure_tally.change(session, figure_tally.month_of(row.created_at), _facts(row, row._stored), _facts(row, values))
    # On PostgreSQL the step's audit events, notifications and tally may ride along: one round trip for all of them.
    figure_tally.ride(session)
    carried = riders.take(session)
    if carried is not None:
        statement, rider_params = riders.on_update(changed, _update_of, carried)
        params |= rider_params
    if checks is None:
        _check(statement.run(connection(session), params), carried)
    else:
        pending = statement.queue(connection(session), params)
        checks.append(lambda: _check(pending.result(), carried))
    if "cadre_name" in changed or "matter" in changed:
        # A case given its name and matter for the first time has no pairs to replace.
        had_words = bool(row._stored["cadre_name"] or row._stored["matter"])
        case_words.index(session, row.id, row.cadre_name, row.matter, replace=had_words)
    row.version += 1
    row._stored = values


def _check(result: Result, carried: riders.Riders | None) -> None:
    """After a case row's UPDATE: Conflict unless it matched the version read; the riders' own check."""
    if result.rowcount != 1:
        raise Conflict("案件已被他人更新，请刷新后重试")
    if carried is not None:
        riders.checked(carried, result)
