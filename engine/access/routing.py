"""Where a new task of a unit-scoped lane goes: to the case's own unit, or back to the office that opened the case.

An applicant organization's steps (supplementing materials, deciding on an appeal, reporting
rectification) belong to the unit the case concerns, never to every applicant organization. On the
pre-check path the accountability organ opened the case for a cadre whose unit may have nobody in
rcjc; the step then goes to the officer who opened it, who deals with the unit and records its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import UNIT_SCOPED
from engine.bundles.definitions import Bundle
from engine.persistence.models import Membership, User


@dataclass(frozen=True)
class Route:
    """Who a new task is offered to: a group, within a unit or not, possibly already held by one person."""

    group: str
    unit: str | None = None
    assignee: str | None = None


class CaseOrigin(Protocol):
    """What routing reads of a case (a CaseRow has it all)."""

    process_id: str
    entry: str | None
    started_by: str
    unit: str | None


def unit_has_members(session: Session, group: str, unit: str) -> bool:
    """Whether an active user of `group` belongs to `unit`."""
    found = session.execute(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_key == group, User.unit == unit, User.active.is_(True)).limit(1)
    ).first()
    return found is not None


def route(session: Session, bundle: Bundle, case: CaseOrigin, lane: str) -> Route:
    """The route of a new task of `lane` in this case."""
    if lane not in UNIT_SCOPED:
        return Route(lane)
    if case.unit and unit_has_members(session, lane, case.unit):
        return Route(lane, case.unit)
    office = _starting_office(session, bundle, case)
    if office is not None:
        return Route(office, None, case.started_by)
    # Nobody can take it yet: supervisors see it waiting and add the unit's user or reassign it.
    return Route(lane, case.unit)


def _starting_office(session: Session, bundle: Bundle, case: CaseOrigin) -> str | None:
    """The group the case's starter opened it as, when that is not a unit-scoped one and they are still active."""
    entry = bundle.entries.get(case.process_id, {}).get(case.entry or "")
    if entry is None:
        return None
    starter = session.scalar(select(User).where(User.username == case.started_by, User.active.is_(True)))
    if starter is None:
        return None
    return next((g for g in entry.groups if g in starter.groups and g not in UNIT_SCOPED), None)
