"""What of a visible case a person may read: the confidential keys per group, in one place, and 查阅留痕.

The committee's deliberation (attendance, individual votes and their comments, minutes, members' names)
stays with the committee, its chair, supervisors and the appeal reviewers; who reported a cadre and how
the reporter was handled stays with the departments that handle reports; a cadre's identity number stays with
those who handle the case and keep the register. Every path that hands case
data, steps, tasks or audit events to a person filters them here, and every read of confidential data
is recorded so that supervisors can see who read what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.policy import Actor, ensure_supervisor
from engine.context import EngineContext
from engine.persistence.models import AccessLog
from engine.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class ConfidentialKind:
    """One kind of confidential case data: its keys, the groups who may read it, lanes whose people it hides."""

    key: str
    label: str
    fields: frozenset[str]
    readers: frozenset[str]
    person_lanes: frozenset[str] = frozenset()


DELIBERATION = ConfidentialKind(
    "deliberation", "裁定会议审议情况",
    fields=frozenset({"committee_members", "committee_choices", "attendees", "member", "vote", "vote_comment", "votes",
                      "ballot", "tally", "meeting_history", "meeting_round", "minutes"}),
    # Investigators review appeals, which re-examine how the ruling was reached.
    readers=frozenset({"committee", "committee_chair", "supervisor", "investigator"}),
    person_lanes=frozenset({"committee"}),
)
INFORMANTS = ConfidentialKind(
    "informants", "举报人及其处理情况",
    fields=frozenset({"report_summary", "reporter_intent", "handling_note", "referral_target", "referral_note"}),
    readers=frozenset({"intake", "investigator", "committee_chair", "supervisor"}),
)
# A cadre's identity number is personal information: read by those who handle the case and keep the register.
IDENTITY = ConfidentialKind(
    "identity", "干部身份证号码",
    fields=frozenset({"cadre_id_number"}),
    readers=frozenset({"applicant_org", "accountability", "intake", "investigator", "committee_chair", "supervisor",
                       "org_dept"}),
)
KINDS: tuple[ConfidentialKind, ...] = (DELIBERATION, INFORMANTS, IDENTITY)
# Audit details that name people besides the event's actor.
PERSON_DETAILS = ("from", "to", "previous_assignee", "assignee")


@dataclass(frozen=True)
class Reader:
    """What one person may read of confidential data, and which kinds of it they are shown."""

    shown: tuple[ConfidentialKind, ...]
    hidden_fields: frozenset[str]
    hidden_lanes: frozenset[str]

    def data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Case or step data without the keys this reader may not see."""
        return {k: v for k, v in data.items() if k not in self.hidden_fields}

    def scrub(self, value: Any) -> Any:
        """A JSON-like value without hidden keys at any depth (audit details nest data in before/after)."""
        if isinstance(value, Mapping):
            return {k: self.scrub(v) for k, v in value.items() if k not in self.hidden_fields}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value

    def person(self, lane: str | None, username: str | None) -> str | None:
        """The person who acted in `lane`, or None when who they are is confidential to this reader."""
        return None if lane in self.hidden_lanes else username

    def kinds_in(self, keys: Iterable[str], lanes: Iterable[str | None] = ()) -> list[str]:
        """The kinds shown to this reader that these keys (and people of these lanes) disclose."""
        present = set(keys)
        lane_set = set(lanes)
        return [k.key for k in self.shown if k.fields & present or k.person_lanes & lane_set]


@lru_cache(maxsize=256)
def _reader(groups: frozenset[str]) -> Reader:
    shown = tuple(k for k in KINDS if k.readers & groups)
    hidden = [k for k in KINDS if k not in shown]
    return Reader(
        shown,
        frozenset().union(*(k.fields for k in hidden)),
        frozenset().union(*(k.person_lanes for k in hidden)),
    )


def reader(actor: Actor) -> Reader:
    """What this actor may read of confidential data (decided by their groups)."""
    return _reader(actor.groups)


def may_read_kinds(actor: Actor, kinds: Iterable[str]) -> bool:
    """Whether the actor may read data of all these confidential kinds (a document disclosing them, say)."""
    return set(kinds) <= {k.key for k in reader(actor).shown}


def kinds_of_fields(fields: Iterable[str]) -> tuple[str, ...]:
    """The confidential kinds these case data keys belong to."""
    present = set(fields)
    return tuple(k.key for k in KINDS if k.fields & present)


def keys_of(value: Any) -> set[str]:
    """Every mapping key in a JSON-like value, at any depth."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, inner in value.items():
            found.add(str(key))
            found |= keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= keys_of(inner)
    return found


def record_read(ctx: EngineContext, actor: Actor, case_id: int, kinds: Iterable[str], channel: str) -> None:
    """Record that the actor was shown confidential data of a case (nothing when no kind was shown)."""
    kinds = sorted(set(kinds))
    if not kinds:
        return
    # Its own short transaction: reads run in sessions that are never committed.
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.add(AccessLog(case_id=case_id, username=actor.username, at=uow.now, kinds=kinds, channel=channel))
        uow.commit()


def record_lookup(ctx: EngineContext, actor: Actor, case_ids: Iterable[int], channel: str) -> None:
    """Record that the actor was shown these cases' register records (one entry per case, one transaction)."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        uow.session.add_all(AccessLog(case_id=case_id, username=actor.username, at=uow.now, kinds=[REGISTER],
                                      channel=channel) for case_id in wanted)
        uow.commit()


@dataclass(frozen=True)
class AccessEntry:
    """One recorded read of confidential data."""

    case_id: int
    username: str
    at: datetime
    kinds: tuple[str, ...]
    labels: tuple[str, ...]
    channel: str


# A lookup in the cadre register is recorded against each case it showed, beside reads of confidential data.
REGISTER = "register"
LABELS = {k.key: k.label for k in KINDS} | {REGISTER: "干部容错纠错档案查询"}


def access_log(session: Session, actor: Actor, case_id: int, limit: int = 500) -> list[AccessEntry]:
    """The newest recorded reads of a case's confidential data (supervisors only).

    Raises: Forbidden.
    """
    ensure_supervisor(actor, "只有监督人员可以查看查阅留痕")
    rows = session.scalars(
        select(AccessLog).where(AccessLog.case_id == case_id).order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit)
    )
    return [AccessEntry(r.case_id, r.username, r.at, tuple(r.kinds), tuple(LABELS.get(k, k) for k in r.kinds), r.channel)
            for r in rows]
