"""Recording the stages a case passes through and the steps that ended late, as its task index changes.

A stage is a called process (受理审查, 调查核实, 裁定, ...): it begins when its first step opens and ends when its
last open step ends, with its length in working days kept on the row. A step still open after its due date when it
ends is kept as a late step of its group. Figures then count rows and never replay workflows or the calendar.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.persistence import figure_tally
from engine.persistence.db import connection
from engine.persistence.models import CaseStage, LateStep, table
from engine.persistence.prepared import Prepared

STAGES = table(CaseStage)
_STAGES_OF_CASE = Prepared(select(STAGES.c.stage, STAGES.c.started_at, STAGES.c.ended_at, STAGES.c.working_days)
                           .where(STAGES.c.case_id == bindparam("case_id")))
_ADD_STAGE = Prepared(insert(STAGES))
_END_STAGE = Prepared(update(STAGES).where(STAGES.c.case_id == bindparam("c"), STAGES.c.stage == bindparam("s"))
                      .values(ended_at=bindparam("ended_at"), working_days=bindparam("working_days")))
_ADD_LATE = Prepared(insert(table(LateStep)))


@dataclass(frozen=True)
class EndedStep:
    """A task index row that has just gone: its task, stage, group and due date."""

    task_id: str
    stage: str
    group_key: str
    due_at: datetime | None


def record(ctx: EngineContext, session: Session, case_id: int, month: date, before: Collection[str],
           after: Collection[str], ended: list[EndedStep], now: datetime) -> None:
    """Note the stages entered and left between two saves (`before` and `after` are the stages with open steps)
    and the steps that ended after their due date; `month` is the case's in the figures' tally.

    Its writes are queued (Prepared.queue): nothing in the step reads them back.
    """
    conn = connection(session)
    late = [s for s in ended if s.due_at is not None and s.due_at < now]
    if late:
        _ADD_LATE.queue(conn, [{"case_id": case_id, "task_id": s.task_id, "stage": s.stage, "group_key": s.group_key,
                              "due_at": s.due_at, "ended_at": now} for s in late])
        for step in late:
            figure_tally.change(session, month, (), figure_tally.late_facts(step.stage, step.group_key))
    entered, left = set(after) - set(before), set(before) - set(after)
    if not entered and not left:
        return
    known = {stage: (started, ended_at, days) for stage, started, ended_at, days
             in _STAGES_OF_CASE.run(conn, {"case_id": case_id})}
    added = [{"case_id": case_id, "stage": s, "started_at": now, "ended_at": None, "working_days": None}
             for s in sorted(entered) if s not in known]
    if added:
        _ADD_STAGE.queue(conn, added)
    # A case that comes back to a stage (materials supplemented, a new round) reopens it: its length runs on.
    changes: list[dict[str, Any]] = [{"c": case_id, "s": s, "ended_at": None, "working_days": None}
               for s in sorted(entered) if s in known and known[s][1] is not None]
    changes += [{"c": case_id, "s": s, "ended_at": now, "working_days": _length(ctx, known[s][0], now)}
                for s in sorted(left) if s in known]
    if changes:
        _END_STAGE.queue(conn, changes)
    # The figures' tally follows each stage row: opened, reopened, ended with its length.
    for stage in sorted(entered):
        if stage not in known:
            figure_tally.change(session, month, (), figure_tally.stage_facts(stage, True, None))
    for stage, ended_at, days in ((row["s"], row["ended_at"], row["working_days"]) for row in changes):
        was = known[stage]
        figure_tally.change(session, month, figure_tally.stage_facts(stage, was[1] is None, was[2]),
                            figure_tally.stage_facts(stage, ended_at is None, days))


def end_unfinished(session: Session, case_id: int, month: date, now: datetime) -> None:
    """End the open stages of a terminated case without a length: it says nothing about how long a stage takes."""
    ended = connection(session).execute(update(STAGES).where(STAGES.c.case_id == case_id, STAGES.c.ended_at.is_(None))
                                        .values(ended_at=now).returning(STAGES.c.stage))
    for (stage,) in ended:
        figure_tally.change(session, month, figure_tally.stage_facts(stage, True, None), ())


def _length(ctx: EngineContext, started: datetime, ended: datetime) -> int:
    tz = ctx.calendar.tz
    return ctx.calendar.working_days_between(started.astimezone(tz).date(), ended.astimezone(tz).date())

