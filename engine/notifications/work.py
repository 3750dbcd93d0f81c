"""Telling people that work arrived: a new task (a supplement request to the applicant unit among them), a task
created already overdue (escalated at once), and a ruling letter issued on a unit's case.

Written in the transaction that creates the tasks or issues the letter, through each recipient's choices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from engine.access import users
from engine.access.policy import SUPERVISOR, SYSTEM, Actor, may_take
from engine.notifications.choices import Note, Recipient, deliver, gather
from engine.notifications.notices import created_overdue, holder_words, local_day
from engine.persistence.db import connection
from engine.persistence.models import Membership, NoticeChoice, User, table
from engine.persistence.prepared import Prepared

APPLICANT_UNIT = "applicant_org"
# The form of the applicant unit's step that answers a request for supplement materials.
SUPPLEMENT_FORM = "supplement"

_USERS, _MEMBERS, _CHOICES = table(User), table(Membership), table(NoticeChoice)
# A step creates a task or two: their takers are read with what telling them needs (address, choices), one statement
# per group, so that a step pays for no query building.
MEMBERS_OF_GROUP = (
    select(_USERS.c.username, _USERS.c.email, _CHOICES.c.kind, _CHOICES.c.in_app, _CHOICES.c.mail, _USERS.c.unit)
    .select_from(_USERS.join(_MEMBERS, _MEMBERS.c.user_id == _USERS.c.id)
                 .outerjoin(_CHOICES, _CHOICES.c.username == _USERS.c.username))
    .where(and_(_MEMBERS.c.group_key == bindparam("group"), _USERS.c.active.is_(True))).order_by(_USERS.c.username))
_MEMBERS_OF_GROUP = Prepared(MEMBERS_OF_GROUP)


def told_by_group(row: Mapping[str, Any]) -> bool:
    """Whether the members of the task's group are told of it (nobody holds it and it names nobody)."""
    return bool(row["group_key"]) and not row["assignee"] and not row["candidate"]


def _takers(session: Session, rows: Sequence[Mapping[str, Any]], read: Mapping[str, Sequence[Any]]
            ) -> tuple[dict[str, list[str]], dict[str, Recipient]]:
    """Per task id, who is told of it: its holder, its named person, or every member who may take it; with the
    recipients read on the way (a holder or named person is read when the notes are delivered). `read` holds the
    rows of MEMBERS_OF_GROUP per group that the caller read already."""
    groups = sorted({r["group_key"] for r in rows if told_by_group(r)})
    members: dict[str, tuple[str | None, set[str]]] = {}
    found: list[Any] = []
    for group in groups:
        of_group = read[group] if group in read else _MEMBERS_OF_GROUP.run(connection(session), {"group": group})
        for member in of_group:
            members.setdefault(member.username, (member.unit, set()))[1].add(group)
            found.append(member[:5])
    takers: dict[str, list[str]] = {}
    for row in rows:
        if row["assignee"] or row["candidate"]:
            takers[row["id"]] = [row["assignee"] or row["candidate"]]
            continue
        task = SimpleNamespace(**row)
        # The one rule of who may take a task decides, as for the inbox: group, unit, named person.
        takers[row["id"]] = [name for name, (unit, their) in members.items()
                             if may_take(Actor(name, frozenset(their), unit), task)]
    return takers, gather(found)


def case_words(case: Any) -> str:
    """How a notice names a case: 案件 3（张明，产业园区招商政策先行先试）."""
    parts = [p for p in (case.cadre_name, (case.matter or "")[:60]) if p]
    return f"案件 {case.id}" + (f"（{'，'.join(parts)}）" if parts else "")


def _arrived(case: Any, row: Mapping[str, Any], timezone: str) -> tuple[str, str]:
    """The kind and words of the notice that a task arrived."""
    by = f"于{local_day(row['due_at'], timezone)}前" if row["due_at"] else "及时"
    if row["form_key"] == SUPPLEMENT_FORM:
        return "supplement_requested", (f"请补正申请材料：{case_words(case)}受理审查时需要补正材料，"
                                        f"请{by}在“{row['name']}”中提交")
    return "new_task", f"您有一项新任务：{case_words(case)}的“{row['name']}”，请{by}办理"


def new_tasks(session: Session, case: Any, rows: Sequence[Mapping[str, Any]], now: datetime, timezone: str,
              read: Mapping[str, Sequence[Any]] | None = None) -> None:
    """Tell those who may take each new task that it arrived; escalate at once a task created already overdue.

    `read`: rows of MEMBERS_OF_GROUP per group, when the caller read them with its own statement.
    """
    if not rows:
        return
    takers, known = _takers(session, rows, read or {})
    notes: list[Note] = []
    late = [r for r in rows if created_overdue(r["due_at"], now)]
    supervisors = users.group_members(session, SUPERVISOR) if late else []
    for row in rows:
        kind, message = _arrived(case, row, timezone)
        notes.extend(Note(name, case.id, row["id"], kind, message) for name in takers[row["id"]])
    for row in late:
        task = SimpleNamespace(**row)
        message = (f"{case_words(case)}的“{row['name']}”创建时已超过办理期限（{local_day(row['due_at'], timezone)}），"
                   f"{holder_words(session, task)}，请督促办理")
        recipients = dict.fromkeys(takers[row["id"]] + supervisors)
        notes.extend(Note(name, case.id, row["id"], "escalation", message) for name in recipients)
    deliver(session, now, notes, SYSTEM.username, known)


def ruling_issued(session: Session, case: Any, issued_kinds: Iterable[str], now: datetime) -> list[str]:
    """Tell the applicant unit's members that the ruling letter on their unit's case was issued; who was told."""
    if "ruling_letter" not in issued_kinds or not case.unit:
        return []
    members = list(session.scalars(
        select(User.username).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_key == APPLICANT_UNIT, User.unit == case.unit, User.active.is_(True))
        .order_by(User.username)))
    message = f"本单位的{case_words(case)}已作出裁定，裁定书已印发，请查阅"
    return deliver(session, now, [Note(m, case.id, None, "ruling_issued", message) for m in members], SYSTEM.username)
