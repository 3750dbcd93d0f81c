"""The cadre register (干部容错纠错档案) as the organization department and supervisors search it.

Every lookup is recorded against each case it showed (查阅留痕): who looked a cadre up, when, and through what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.access import disclosure
from engine.access.policy import SUPERVISOR, Actor
from engine.context import EngineContext
from engine.errors import Forbidden
from engine.persistence.models import CadreRecord, Document

READERS = frozenset({"org_dept", SUPERVISOR})
OUTCOME_LABELS = {"EXEMPT": "容错免责", "MITIGATE": "从轻或减轻处理", "NOT_TOLERATED": "不予容错"}
CLARIFIED = "clarified"
SCOPE_LABELS = {"assessment": "考核", "awards": "评先评优、表彰奖励", "selection": "选拔任用",
                "unit_assessment": "所在单位考核评价"}
# The documents a record cites: the ruling, its appeal decision, the clarification's decision and letter.
CITED = ("ruling_letter", "appeal_decision", "clarification_decision", "clarification_letter")
# Most records one lookup returns (a cadre's PDF page asks for this many).
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class RegisterQuery:
    """What to look for: parts of a name or unit, an exact identity number, an outcome, a period of decisions."""

    name: str = ""
    unit: str = ""
    id_number: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = 50


def ensure_reader(actor: Actor) -> None:
    """Raise Forbidden unless the actor keeps or supervises the register."""
    if not actor.in_any(READERS):
        raise Forbidden("只有组织部干部监督和监督人员可以查询干部容错纠错档案")


def _filters(query: RegisterQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.name.strip():
        where.append(CadreRecord.cadre_name.contains(query.name.strip(), autoescape=True))
    if query.unit.strip():
        where.append(CadreRecord.cadre_unit.contains(query.unit.strip(), autoescape=True))
    if query.id_number.strip():
        where.append(CadreRecord.cadre_id_number == query.id_number.strip().upper())
    if query.outcome == CLARIFIED:
        where.append(CadreRecord.kind == "clarification")
    elif query.outcome:
        where.append(CadreRecord.outcome == query.outcome)
    if query.since is not None:
        where.append(CadreRecord.decided_on >= query.since)
    if query.until is not None:
        where.append(CadreRecord.decided_on <= query.until)
    return where


def _numbers(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = session.execute(select(Document.case_id, Document.number).where(
        Document.case_id.in_(case_ids), Document.kind.in_(CITED), Document.superseded_by.is_(None)).order_by(Document.id))
    for case_id, number in rows:
        found.setdefault(case_id, []).append(number)
    return found


def _item(r: CadreRecord, numbers: dict[int, list[str]], today: date) -> dict[str, Any]:
    return {
        "id": r.id, "case_id": r.case_id, "kind": r.kind, "cadre_name": r.cadre_name, "cadre_unit": r.cadre_unit,
        "cadre_position": r.cadre_position, "cadre_id_number": r.cadre_id_number, "matter": r.matter,
        "outcome": r.outcome, "outcome_label": OUTCOME_LABELS.get(r.outcome or "", "澄清正名"),
        "previous_outcome": r.previous_outcome, "decided_on": r.decided_on, "no_negative": r.no_negative,
        "no_negative_scope": list(r.no_negative_scope), "scope_labels": [SCOPE_LABELS.get(s, s) for s in r.no_negative_scope],
        "withdrawn_on": r.withdrawn_on, "in_force": r.no_negative and (r.withdrawn_on is None or r.withdrawn_on > today),
        "document_numbers": numbers.get(r.case_id, []),
    }


def search_register(ctx: EngineContext, session: Session, actor: Actor, query: RegisterQuery,
                    channel: str = "register") -> tuple[list[dict[str, Any]], int]:
    """A page of the register's records that match, newest decision first, and how many match; the lookup is
    recorded against each case shown. Raises: Forbidden."""
    ensure_reader(actor)
    where = _filters(query)
    total = session.scalar(select(func.count()).select_from(CadreRecord).where(*where)) or 0
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    offset = (max(1, query.page) - 1) * per_page
    rows: list[CadreRecord] = []
    if offset < total:
        # Filters apply before paging; the id after the day makes the order total, so that pages never overlap.
        rows = list(session.scalars(select(CadreRecord).where(*where)
                                    .order_by(CadreRecord.decided_on.desc(), CadreRecord.id.desc())
                                    .limit(per_page).offset(offset)))
    numbers = _numbers(session, [r.case_id for r in rows])
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).date()
    disclosure.record_lookup(ctx, actor, [r.case_id for r in rows], channel)
    return [_item(r, numbers, today) for r in rows], total
