"""The one access rule: who may start, see and act on cases and tasks.

It combines the group (lane), the case's unit for unit-scoped lanes (an applicant organization sees and
acts only on its own unit's cases), the person for per-person tasks (votes) and separation of duties
(回避). Each check has a Python form for one row and, where lists need it, an SQL form that mirrors it;
every read and write path asks these functions. What of a visible case a person may *read* is decided
by engine.access.disclosure.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select, true, union
from sqlalchemy.orm import Session, aliased

from engine.bundles.definitions import Entry, TaskInfo
from engine.errors import Forbidden
from engine.persistence.models import Case, CaseGroup, CaseHandler, FilingCitation, TaskIndex

SUPERVISOR = "supervisor"
# Lanes whose tasks belong to the case's own unit, not to every member of the group.
UNIT_SCOPED = frozenset({"applicant_org"})
# The groups that handle a case's steps and may add evidence to a case they can see.
FILE_HANDLERS = frozenset({"applicant_org", "intake", "investigator", "committee_chair", SUPERVISOR})


class TaskLike(Protocol):
    """What the policy reads of a task index row (ORM object or Core row)."""

    case_id: int
    group_key: str
    candidate: str | None
    assignee: str | None
    unit: str | None


class CaseLike(Protocol):
    """What the policy reads of a case (ORM object or case row)."""

    id: int
    started_by: str
    unit: str | None


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
    """Raise Forbidden unless the actor's groups include one allowed to use this entry (with a unit where it matters)."""
    if not actor.in_any(entry.groups):
        raise Forbidden("您所在的用户组不能以这种方式发起案件")
    if not actor.unit and not actor.in_any(set(entry.groups) - UNIT_SCOPED):
        raise Forbidden("您的账号没有设置所在单位，不能以单位名义发起案件，请联系系统管理员")


def case_unit(actor: Actor, data: dict[str, Any]) -> str | None:
    """The unit a new case concerns: the starter's own unit for a unit's application, else the cadre's unit."""
    if actor.in_any(UNIT_SCOPED) and actor.unit:
        return actor.unit
    unit = " ".join(str(data.get("cadre_unit") or "").split())
    return unit[:200] or None


def refusal_to_take(actor: Actor, row: TaskLike) -> str | None:
    """Why the actor may not take this task (group, unit, named person), or None when they may."""
    if row.candidate and row.candidate != actor.username:
        return "该任务只能由指定人员办理"
    if row.group_key not in actor.groups:
        return "该任务不属于您所在的用户组"
    if row.unit is not None and row.unit != actor.unit:
        return "该任务属于其他单位"
    if row.unit is None and row.group_key in UNIT_SCOPED:
        return "该任务没有确定所属单位，请联系监督人员改派"
    return None


def may_take(actor: Actor, row: TaskLike) -> bool:
    """Whether the task is offered to the actor: their group, their unit, their person."""
    return refusal_to_take(actor, row) is None


def ensure_may_act(session: Session, actor: Actor, row: TaskLike, info: TaskInfo) -> None:
    """Raise Forbidden unless the actor may work on this task now."""
    reason = refusal_to_take(actor, row)
    if reason is not None:
        raise Forbidden(reason)
    if row.assignee and row.assignee != actor.username:
        raise Forbidden("该任务已由他人认领")
    if info.exclude_lanes and handled_in_lanes(session, row.case_id, actor.username, info.exclude_lanes, info.bpmn_id):
        raise Forbidden("您办理过本案的相关环节，依规应当回避")


def handled_in_lanes(session: Session, case_id: int, username: str, lanes: Collection[str], step: str = "") -> bool:
    """Whether the user completed a task of one of `lanes` in this case, other than an earlier round of `step`
    (who reviewed a text and sent it back reviews it again: their own step is no conflict with itself)."""
    found = session.execute(
        select(CaseHandler.id)
        .where(CaseHandler.case_id == case_id, CaseHandler.username == username, CaseHandler.group_key.in_(lanes),
               CaseHandler.bpmn_id != step)
        .limit(1)
    ).first()
    return found is not None


def may_view_case(session: Session, actor: Actor, case: CaseLike) -> bool:
    """Supervisors see all; a unit's members their unit's cases; others the cases their groups worked on, and the
    prior filings those cases cite."""
    if SUPERVISOR in actor.groups:
        return True
    if case.started_by == actor.username:
        return True
    if actor.in_any(UNIT_SCOPED) and actor.unit and case.unit == actor.unit:
        return True
    groups = set(actor.groups) - UNIT_SCOPED
    if not groups:
        return False
    hit = session.execute(
        select(CaseGroup.case_id).where(CaseGroup.case_id == case.id, CaseGroup.group_key.in_(groups)).limit(1)
    ).first()
    if hit is not None:
        return True
    # A prior filing is read by those who work on a case citing it: the investigator weighs it beside the six looks.
    cited = session.execute(
        select(FilingCitation.case_id).join(CaseGroup, CaseGroup.case_id == FilingCitation.case_id)
        .where(FilingCitation.filing_case_id == case.id, CaseGroup.group_key.in_(groups)).limit(1)
    ).first()
    return cited is not None


def may_add_files(session: Session, actor: Actor, case: CaseLike) -> bool:
    """Whether the actor may attach files to the case: they may read it and belong to a group handling its steps."""
    return actor.in_any(FILE_HANDLERS) and may_view_case(session, actor, case)


def may_correct_document(session: Session, actor: Actor, case: CaseLike, issuer_group: str) -> bool:
    """Whether the actor may issue a correction of a document: they may read the case and belong to the group
    whose step issued it, or supervise."""
    return actor.in_any((issuer_group, SUPERVISOR)) and may_view_case(session, actor, case)


def may_see_task(session: Session, actor: Actor, row: TaskLike, case: CaseLike) -> bool:
    """Whether the actor may open a task: it is offered to them, or they may read its case."""
    return may_take(actor, row) or row.assignee == actor.username or may_view_case(session, actor, case)


def sees_every_case(actor: Actor) -> bool:
    """Whether the actor may read every case (supervisors)."""
    return SUPERVISOR in actor.groups


def visible_cases(actor: Actor, each: bool = False) -> ColumnElement[bool]:
    """The SQL condition for the cases the actor may read; mirrors may_view_case.

    Shaped for the planners at a province's scale. A unit's member: two indexed columns, read as two index lookups.
    A group's member, who reads most cases: first the test that needs only a case's id, then lists read once per
    statement, so that counting scans an index and reads no case row (and a planner never walks a group's every
    case for each case it tests). `each`: for a page of a few cases, the group is looked up case by case, where
    PostgreSQL would first hash every case of the group.
    """
    if sees_every_case(actor):
        return true()
    unit = _unit_read(actor)
    internal = sorted(set(actor.groups) - UNIT_SCOPED)
    if not internal:
        return or_(Case.started_by == actor.username, *([Case.unit == unit] if unit else []))
    reading = select(CaseGroup.case_id).where(CaseGroup.case_id == Case.id, CaseGroup.group_key.in_(internal))
    allowed: list[ColumnElement[bool]] = [reading.limit(1).scalar_subquery().is_not(None) if each else reading.exists()]
    allowed += [Case.id.in_(ids) for ids in _other_ways(actor, internal, unit)]
    return or_(*allowed)


def visible_count(actor: Actor) -> Select[Any]:
    """How many cases a reader who does not see them all may read, counted from the indexes of each way of seeing
    (without repeats) instead of testing every case."""
    unit = _unit_read(actor)
    internal = sorted(set(actor.groups) - UNIT_SCOPED)
    ways = _other_ways(actor, internal, unit)
    if internal:
        ways.append(select(CaseGroup.case_id).where(CaseGroup.group_key.in_(internal)))
    ids = union(*ways).subquery() if len(ways) > 1 else ways[0].subquery()
    return select(func.count()).select_from(ids)


def _unit_read(actor: Actor) -> str | None:
    return actor.unit if actor.in_any(UNIT_SCOPED) and actor.unit else None


def _other_ways(actor: Actor, internal: list[str], unit: str | None) -> list[Select[Any]]:
    """The ids of the cases seen other than by a group's reading row: read once per statement (there are few)."""
    other = aliased(Case)
    ways: list[Select[Any]] = [select(other.id).where(other.started_by == actor.username)]
    if unit:
        ways.append(select(other.id).where(other.unit == unit))
    if internal:
        # A prior filing is read by those who work on a case citing it.
        ways.append(select(FilingCitation.filing_case_id).where(exists().where(
            CaseGroup.case_id == FilingCitation.case_id, CaseGroup.group_key.in_(internal))))
    return ways


def takeable_tasks(actor: Actor) -> ColumnElement[bool]:
    """The SQL condition for the unclaimed tasks offered to the actor; mirrors refusal_to_take."""
    if not actor.groups:
        return false()
    unit_ok = TaskIndex.unit.is_(None) if not actor.unit else or_(TaskIndex.unit.is_(None), TaskIndex.unit == actor.unit)
    scoped = TaskIndex.group_key.in_(UNIT_SCOPED)
    return (
        TaskIndex.group_key.in_(actor.groups)
        & TaskIndex.assignee.is_(None)
        & or_(TaskIndex.candidate.is_(None), TaskIndex.candidate == actor.username)
        & unit_ok
        & (~scoped | TaskIndex.unit.is_not(None))
    )
