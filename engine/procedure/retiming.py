"""Armed timers follow the calendar: re-count them when a year's schedule or the configured closures change.

A timer's date is fixed when the timer is armed: its expression (`deadline("supplement_response")`,
`remind_at(deadline("acceptance"))`, …) is evaluated once and the result kept in the workflow. Counted
over a year whose schedule was not known yet, that date assumed Monday–Friday; a lapse timer armed so
would end a case or a right before the official limit. When the calendar changes, every timer still
waiting is evaluated again as of the moment it was armed, on the new calendar, and moved when its date
changed. A timer that has fired stays fired; one moved into the past fires on the worker's next sweep.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence import case_rows
from engine.persistence.case_rows import CaseRow
from engine.persistence.models import OPEN_STATUSES, Case
from engine.persistence.uow import UnitOfWork
from engine.procedure import runtime, workflow_store
from engine.procedure.services import record_event

# A date evaluated again within this of the armed one has not moved (a reminder halfway through a short
# limit depends on the exact moment of arming, which the workflow keeps to the millisecond only).
SAME_MOMENT = timedelta(minutes=1)


@dataclasses.dataclass(frozen=True)
class Move:
    """One armed timer given a new date."""

    case_id: int
    timer: str
    old: str
    new: str


class PinnedClock:
    """A clock that always tells the moment a timer was armed."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        """The pinned moment."""
        return self._at


def waiting_timers(workflow: Any) -> list[SpiffTask]:
    """Date timers armed and not yet fired, in the top process and its subprocesses."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimeDateEventDefinition) and task._get_internal_data("event_value") is not None \
                and not task._get_internal_data("event_fired", False):
            found.append(task)
    return found


def _moment(value: str) -> datetime:
    return TimerEventDefinition.get_datetime(value)


def rearm_case(ctx: EngineContext, uow: UnitOfWork, case: CaseRow, actor: Actor, reason: str,
               since: datetime | None = None) -> list[Move]:
    """Count a locked case's waiting timers again on the current calendar; save and audit the case if any moved.

    `since`: only timers due at or after it can have changed (an imported year counts only from its first day).
    """
    bundle, workflow = workflow_store.load_workflow(ctx, uow.session, case)
    moves: list[Move] = []
    for task in waiting_timers(workflow):
        old = str(task._get_internal_data("event_value"))
        if since is not None and _moment(old) < since:
            continue
        armed = datetime.fromtimestamp(task.last_state_change, UTC)
        pinned = workflow_store.script_engine(dataclasses.replace(ctx, clock=PinnedClock(armed)), uow.session, case.id)
        new = str(pinned.evaluate(task, task.task_spec.event_definition.expression))
        if abs(_moment(new) - _moment(old)) < SAME_MOMENT:
            continue
        task._set_internal_data(event_value=new)
        moves.append(Move(case.id, task.task_spec.bpmn_name or task.task_spec.bpmn_id, old, new))
    if moves:
        case.state = bundle.serializer.dumps(workflow)
        case.next_timer_at = runtime.next_timer_at(workflow)
        case.updated_at = uow.now
        record_event(uow, case, "timers_rearmed", actor, details={
            "reason": reason, "moves": [{"timer": m.timer, "from": m.old, "to": m.new} for m in moves]})
        case_rows.write(uow.session, case)
    return moves


def rearm_open_cases(ctx: EngineContext, uow: UnitOfWork, actor: Actor, reason: str,
                     since: datetime | None = None) -> list[Move]:
    """Re-count the waiting timers of every open case, each under its row lock, in the caller's transaction."""
    ids: Sequence[int] = list(uow.session.scalars(
        select(Case.id).where(Case.status.in_(OPEN_STATUSES), Case.next_timer_at.is_not(None)).order_by(Case.id)))
    moves: list[Move] = []
    for case_id in ids:
        case = case_rows.lock(uow.session, case_id)
        if case is not None and case.status in OPEN_STATUSES:
            moves += rearm_case(ctx, uow, case, actor, reason, since)
    return moves
