"""The lifecycle of a case: its statuses and the moves between them, written down once.

The task index has no status of its own (a row exists while its task is open), so only cases have one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from engine.errors import Conflict


class CaseStatus(StrEnum):
    """Where a case stands; each value is what the case table stores and the API shows."""

    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"

    def may_become(self, other: CaseStatus) -> bool:
        """Whether a case in this status may move to `other`."""
        return other in TRANSITIONS[self]

    @property
    def is_open(self) -> bool:
        """Whether a case in this status has not ended: it may still take steps, fire timers or be repaired."""
        return bool(TRANSITIONS[self])


# Every move a case's status may make. A step saves a running case as running again, so staying is a move too
# where it happens; an ended case has no moves at all, which is what makes it ended.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    # A step keeps it running or completes it; a failing step puts it in error; supervisors suspend or terminate it.
    CaseStatus.RUNNING: frozenset({CaseStatus.RUNNING, CaseStatus.COMPLETED, CaseStatus.ERROR, CaseStatus.SUSPENDED,
                                   CaseStatus.TERMINATED}),
    # Retry, skip or migrate save it like a step; a retry that fails again leaves it in error.
    CaseStatus.ERROR: frozenset({CaseStatus.ERROR, CaseStatus.RUNNING, CaseStatus.COMPLETED, CaseStatus.SUSPENDED,
                                 CaseStatus.TERMINATED}),
    # Resume returns it to running, or to error when it had failed before it was suspended.
    CaseStatus.SUSPENDED: frozenset({CaseStatus.RUNNING, CaseStatus.ERROR, CaseStatus.TERMINATED}),
    CaseStatus.COMPLETED: frozenset(),
    CaseStatus.TERMINATED: frozenset(),
}

class HasStatus(Protocol):
    """A case as the write path holds it: its id and its status."""

    id: int
    status: CaseStatus


def transition(case: HasStatus, to: CaseStatus) -> None:
    """Move a case to status `to`; Conflict when its lifecycle does not allow that move."""
    if not case.status.may_become(to):
        raise Conflict("案件 %(id)s 当前状态为“%(status)s”，不能变为“%(to)s”", id=case.id, status=case.status, to=to)
    case.status = to
