"""The register of final rulings, clarifications and closed rectifications (整改销号), and the prior-ruling check
(不再重翻旧账) that looks in it for the same cadre and a similar matter (the rules are in prior_match)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.persistence.models import RectificationClosure, Ruling
from engine.procedure.prior_match import Cadre, same_cadre, similarity

OUTCOME_WORDS = {"EXEMPT": "容错免责", "MITIGATE": "从轻或减轻处理", "NOT_TOLERATED": "不予容错"}
CLARIFIED = "澄清正名"
# How much of the rectification requirements the summary quotes.
_QUOTED = 60
_Row = TypeVar("_Row", Ruling, RectificationClosure)


@dataclass(frozen=True)
class PriorMatch:
    """The earlier case found: its ruling (None when only its closed rectification is registered), how alike the
    matters are, and what was found in words for the intake officer."""

    case_id: int
    ruling_id: int | None
    similarity: float
    summary: str


def find_prior(
    session: Session, cadre: Cadre, matter: str, threshold: float, timezone: str, exclude_case: int | None = None
) -> PriorMatch | None:
    """The earlier case of the same cadre whose ruling or closed rectification is most like `matter`, if any reaches
    `threshold`; of equally alike ones the newest."""
    if not cadre.key and not cadre.id_number:
        return None
    rulings = _candidates(session, Ruling, cadre, exclude_case)
    closures = _candidates(session, RectificationClosure, cadre, exclude_case)
    entries = [(r.case_id, r.matter, r.decided_at) for r in rulings] + [(c.case_id, c.matter, c.accepted_at) for c in closures]
    scores: dict[int, tuple[float, datetime]] = {}
    for case_id, earlier, at in entries:
        score = similarity(matter, earlier)
        if score >= threshold and (score, at) > scores.get(case_id, (-1.0, at)):
            scores[case_id] = (score, at)
    if not scores:
        return None
    best = max(scores, key=lambda c: scores[c])
    ruling = next((r for r in rulings if r.case_id == best), None)
    closure = next((c for c in closures if c.case_id == best), None)
    score = scores[best][0]
    text = describe(best, ruling, closure, score, ZoneInfo(timezone))
    return PriorMatch(best, ruling.id if ruling is not None else None, round(score, 2), text)


def _candidates(session: Session, model: type[_Row], cadre: Cadre, exclude_case: int | None) -> list[_Row]:
    # Narrowed in SQL through the indexes on the folded name and the identity number; the rule itself, which
    # lets an identity number outweigh the name, is applied to the few rows found.
    keys = [model.cadre_key == cadre.key] if cadre.key else []
    if cadre.id_number:
        keys.append(model.cadre_id_number == cadre.id_number)
    query = select(model).where(or_(*keys))
    if exclude_case is not None:
        query = query.where(model.case_id != exclude_case)
    rows = session.scalars(query).all()
    return [r for r in rows if same_cadre(cadre, Cadre(r.cadre_name, r.cadre_unit, r.cadre_id_number))]


def describe(
    case_id: int, ruling: Ruling | None, closure: RectificationClosure | None, score: float, tz: ZoneInfo
) -> str:
    """What was found, as one Chinese paragraph: the earlier case, its outcome and when it closed, its matter, the
    likeness of the two matters and, where registered, the closed rectification."""
    matter = ruling.matter if ruling is not None else closure.matter if closure is not None else ""
    head = f"案件 {case_id}" + (f"（问责案件编号 {ruling.reference}）" if ruling is not None and ruling.reference else " ")
    if ruling is None:
        parts = [f"{head}已作出裁定。"]
    elif ruling.kind == "clarification":
        parts = [f"{head}予以{CLARIFIED}，于 {_day(ruling.decided_at, tz)} 办结。"]
    else:
        outcome = OUTCOME_WORDS.get(str(ruling.outcome), str(ruling.outcome))
        parts = [f"{head}裁定{outcome}，于 {_day(ruling.decided_at, tz)} 办结。"]
    parts.append(f"该案事项为“{matter}”，与本次事项的相似度为 {round(score * 100)}%。")
    if closure is not None:
        requirements = _quote(closure.requirements)
        deadline = f"，整改期限 {closure.deadline.isoformat()}" if closure.deadline else ""
        parts.append(f"该问题已于 {_day(closure.accepted_at, tz)} 整改销号（{requirements}{deadline}）。")
    return "".join(parts)


def _day(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).date().isoformat()


def _quote(requirements: str | None) -> str:
    text = " ".join(str(requirements or "").split())
    if not text:
        return "整改要求未载明"
    return "整改要求：" + (text if len(text) <= _QUOTED else text[:_QUOTED] + "……")


# Writing the register ---------------------------------------------------------------------------------------------


def register(session: Session, case_id: int, data: Mapping[str, Any], now: datetime, completed: bool) -> None:
    """File what a saved case has settled: its ruling or clarification once it has ended, its rectification once
    accepted. Each at most once per case."""
    closed = data.get("rectification_accepted") is True
    if not completed and not closed:
        return  # most saves: nothing settled yet
    cadre = Cadre.of(data.get("cadre_name"), data.get("cadre_unit"), data.get("cadre_id_number"))
    matter = " ".join(str(data.get("matter") or "").split())
    if not cadre.key or not matter:
        return
    if completed:
        _register_ruling(session, case_id, cadre, matter, data, now)
    if closed:
        _register_closure(session, case_id, cadre, matter, data, now)


def _register_ruling(
    session: Session, case_id: int, cadre: Cadre, matter: str, data: Mapping[str, Any], now: datetime
) -> None:
    if data.get("outcome"):
        kind, outcome = "ruling", str(data["outcome"])
    elif data.get("clarification_closure") == "clarified":
        kind, outcome = "clarification", None
    else:
        return
    if session.scalar(select(Ruling.id).where(Ruling.case_id == case_id)) is not None:
        return
    reference = _short(data.get("accountability_case_no"), 100)
    session.add(Ruling(case_id=case_id, kind=kind, cadre_name=cadre.name[:100], cadre_key=cadre.key[:100],
                       cadre_unit=_short(cadre.unit, 200), cadre_id_number=cadre.id_number, reference=reference,
                       matter=matter[:500], outcome=outcome, decided_at=now))


def _register_closure(
    session: Session, case_id: int, cadre: Cadre, matter: str, data: Mapping[str, Any], now: datetime
) -> None:
    if session.scalar(select(RectificationClosure.id).where(RectificationClosure.case_id == case_id)) is not None:
        return
    session.add(RectificationClosure(
        case_id=case_id, cadre_name=cadre.name[:100], cadre_key=cadre.key[:100], cadre_unit=_short(cadre.unit, 200),
        cadre_id_number=cadre.id_number, matter=matter[:500], requirements=_short(data.get("rectification_requirements")),
        deadline=_date(data.get("rectification_deadline")), accepted_at=now,
    ))


def _short(value: object, size: int | None = None) -> str | None:
    text = " ".join(str(value or "").split())
    return (text[:size] if size else text) or None


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None

