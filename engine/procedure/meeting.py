"""The ruling meeting's arithmetic and record: quorum, the majority that carries a motion, the tally and
the minutes' account of attendance, recusals and each member's vote."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from engine.access.users import display_names
from engine.calendar import chinese_date

VOTE_CHOICES = ("agree", "disagree", "defer", "recuse")
VOTE_LABELS = {"agree": "同意", "disagree": "不同意", "defer": "缓议", "recuse": "回避"}
OUTCOME_LABELS = {"EXEMPT": "容错免责（不予/免予追究）", "MITIGATE": "从轻或减轻处理", "NOT_TOLERATED": "不予容错"}


def ballot_choice(ballot: Any) -> Any:
    """The choice in one recorded ballot ({"member", "vote", ...}) or a bare choice."""
    return ballot.get("vote") if isinstance(ballot, Mapping) else ballot


def tally(ballots: Sequence[Any]) -> dict[str, int]:
    """How many members chose each of agree, disagree, defer and recuse."""
    choices = [ballot_choice(b) for b in ballots]
    return {choice: choices.count(choice) for choice in VOTE_CHOICES}


def quorum_met(attendees: Sequence[str], members: Sequence[str], quorum: Fraction) -> bool:
    """Whether enough of the committee's members are present to vote."""
    present = len(set(attendees) & set(members))
    return bool(members) and present >= quorum * len(members)


def majority_reached(ballots: Sequence[Any], members: Sequence[str], majority: Fraction, basis: str) -> bool:
    """Whether the agreeing votes exceed the configured share of all members (or of those present and not
    recused)."""
    counts = tally(ballots)
    if basis == "present_not_recused":
        voting = len(ballots) - counts["recuse"]
    else:
        voting = len(members)
    return voting > 0 and counts["agree"] > majority * voting


def _written_date(value: Any) -> str:
    try:
        return chinese_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value or "日期未记录")


def _round_text(entry: Mapping[str, Any], members: Sequence[str], name: Callable[[str], str]) -> str:
    if entry.get("returned"):
        return f"第 {entry.get('round')} 次会议后，主任决定重新提交表决，理由：{entry.get('reason') or '未说明'}。"
    members = list(entry.get("members") or members)
    attendees = list(entry.get("attendees") or [])
    head = (f"第 {entry.get('round')} 次会议（{_written_date(entry.get('meeting_date'))}）："
            f"应到委员 {len(members)} 人，实到 {len(attendees)} 人（{'、'.join(map(name, attendees)) or '无'}）")
    if not entry.get("quorum"):
        return head + "，未达到法定人数，会议另行召集。"
    motion = OUTCOME_LABELS.get(str(entry.get("motion")), str(entry.get("motion") or ""))
    ballots = list(entry.get("votes") or [])
    by_choice = {c: [name(str(b.get("member"))) for b in ballots if isinstance(b, Mapping) and b.get("vote") == c]
                 for c in VOTE_CHOICES}
    parts = [f"{VOTE_LABELS[c]} {len(by_choice[c])} 票（{'、'.join(by_choice[c])}）" if by_choice[c]
             else f"{VOTE_LABELS[c]} 0 票" for c in ("agree", "disagree", "defer")]
    recused = "、".join(by_choice["recuse"]) or "无"
    verdict = "动议获得通过" if entry.get("decided") else "动议未获通过，重新提交表决"
    return f"{head}；回避：{recused}。表决动议：{motion}。表决结果：{'，'.join(parts)}。{verdict}。"


def minutes_draft(session: Session, history: Sequence[Mapping[str, Any]], members: Sequence[str]) -> str:
    """The minutes' account of every meeting round of a case, naming attendees, recusals and each vote."""
    people = {str(p) for entry in history for p in (entry.get("attendees") or [])} | set(members)
    people |= {str(p) for entry in history for p in (entry.get("members") or [])}
    people |= {str(b.get("member")) for entry in history for b in (entry.get("votes") or []) if isinstance(b, Mapping)}
    names = display_names(session, sorted(people))
    return "\n".join(_round_text(entry, members, lambda u: names.get(u, u)) for entry in history)
