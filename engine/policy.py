"""Who may do what: starting cases, acting on tasks (lanes, per-person tasks, 回避) and reading cases."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from .definitions import Entry, TaskInfo
from .errors import Forbidden
from .models import CaseGroup, CaseHandler

SUPERVISOR = "supervisor"
# The committee's deliberation and the reporter's intent stay inside the departments handling the case.
CONFIDENTIAL_KEYS = frozenset({
    "committee_members", "attendees", "votes", "vote", "meeting_history", "meeting_round", "minutes", "reporter_intent",
})


class TaskLike(Protocol):
    """What the policy reads of a task index row (ORM object or Core row)."""

    case_id: int
    group_key: str
    candidate: str | None
    assignee: str | None


class CaseLike(Protocol):
    """What the policy reads of a case (ORM object or case row)."""

    id: int
    started_by: str
    started_unit: str | None


@dataclass(frozen=True)
class Actor:
    """The person acting, as the engine needs to know them."""

    username: str
    groups: frozenset[str]
    unit: str | None = None

    def in_any(self, groups: Collection[str]) -> bool:
        """True when the actor belongs to one of `groups`."""
        return bool(self.groups.intersection(groups))


SYSTEM = Actor("system", frozenset({"process_owner", "admin"}))


def ensure_supervisor(actor: Actor, message: str = "只有监督人员可以执行此操作") -> None:
    """Raise Forbidden unless the actor is a supervisor."""
    if SUPERVISOR not in actor.groups:
        raise Forbidden(message)


def ensure_may_start(actor: Actor, entry: Entry) -> None:
    """Raise Forbidden unless the actor's groups include one allowed to use this entry."""
    if not actor.in_any(entry.groups):
        raise Forbidden("您所在的用户组不能以这种方式发起案件")


def ensure_may_act(session: Session, actor: Actor, row: TaskLike, info: TaskInfo) -> None:
    """Raise Forbidden unless the actor may work on this task now."""
    if row.group_key not in actor.groups:
        raise Forbidden("该任务不属于您所在的用户组")
    if row.candidate and row.candidate != actor.username:
        raise Forbidden("该任务只能由指定人员办理")
    if row.assignee and row.assignee != actor.username:
        raise Forbidden("该任务已由他人认领")
    if info.exclude_lanes and handled_in_lanes(session, row.case_id, actor.username, info.exclude_lanes):
        raise Forbidden("您办理过本案的相关环节，依规应当回避")


def handled_in_lanes(session: Session, case_id: int, username: str, lanes: Collection[str]) -> bool:
    """Whether the user completed a task of one of `lanes` in this case."""
    found = session.execute(
        select(CaseHandler.id)
        .where(CaseHandler.case_id == case_id, CaseHandler.username == username, CaseHandler.group_key.in_(lanes))
        .limit(1)
    ).first()
    return found is not None


def may_view_case(session: Session, actor: Actor, case: CaseLike) -> bool:
    """Supervisors see all; applicant organizations their unit's cases; others cases their groups worked on."""
    if SUPERVISOR in actor.groups:
        return True
    if "applicant_org" in actor.groups and actor.unit and case.started_unit == actor.unit:
        return True
    if case.started_by == actor.username:
        return True
    groups = set(actor.groups) - {"applicant_org"}
    if not groups:
        return False
    hit = session.execute(
        select(CaseGroup.case_id).where(CaseGroup.case_id == case.id, CaseGroup.group_key.in_(groups)).limit(1)
    ).first()
    return hit is not None


def visible_data(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The case data this actor may read: applicant organizations do not see the committee's deliberation."""
    if actor.groups <= {"applicant_org"}:
        return {k: v for k, v in data.items() if k not in CONFIDENTIAL_KEYS}
    return data
