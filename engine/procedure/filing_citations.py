"""A tolerance application citing its unit's prior filing (事前备案) by number.

Checked when the case starts, before anything is stored, so that a number the unit cannot cite is a refused form
naming the field. What the filing proves (`prior_filing`: none, filed, filed_with_reports) is judged again when the
six looks are weighed, since reports may come in while the case runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.errors import FormInvalid, Message
from engine.persistence.models import FilingCitation, PriorFiling

NUMBER_KEY = "prior_filing_number"
NONE, FILED, WITH_REPORTS = "none", "filed", "filed_with_reports"


def standing(row: PriorFiling, now: datetime) -> str:
    """filed_with_reports when the filing reported progress, never late and not overdue now; else filed."""
    overdue = row.status == "registered" and row.next_report_due is not None and row.next_report_due < now
    return WITH_REPORTS if row.reports > 0 and row.late_reports == 0 and not overdue else FILED


def citable(session: Session, unit: str | None, number: str) -> PriorFiling | None:
    """The unit's filing with this number, if it was ever registered (a declined or pending one proves nothing)."""
    if not unit or not number:
        return None
    return session.scalar(select(PriorFiling).where(PriorFiling.number == number, PriorFiling.unit == unit,
                                                    PriorFiling.registered_at.is_not(None)))


def cite(ctx: EngineContext, session: Session, unit: str | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys a citation adds to an application: prior_filing, and for a cited filing its id and number.

    Asked only of a start form with the field. Raises: FormInvalid naming `prior_filing_number` when the number is not a
    registered filing of the case's unit (another unit's filing reads as unknown) or was filed after the matter.
    """
    number = " ".join(str(data.get(NUMBER_KEY) or "").split())
    if not number:
        return {"prior_filing": NONE}
    row = citable(session, unit, number)
    if row is None:
        raise FormInvalid({NUMBER_KEY: [Message("本单位没有编号为“%(number)s”的已登记事前备案，请核对备案登记证明上的编号",
                                                number=number)]})
    filed_on = row.filed_at.astimezone(ZoneInfo(ctx.config.timezone)).date()
    matter_day = _day(data.get("matter_date"))
    if matter_day is not None and filed_on > matter_day:
        raise FormInvalid({NUMBER_KEY: [Message("该备案于 %(filed_on)s 提出，晚于事项发生日期，不属于事前备案",
                                                filed_on=filed_on.isoformat())]})
    return {"prior_filing": standing(row, ctx.clock.now()), "prior_filing_id": row.id, NUMBER_KEY: row.number}


def record(session: Session, case_id: int, data: Mapping[str, Any]) -> None:
    """Keep the new case's citation, so that the case's readers may read the filing it cites."""
    row = session.get(PriorFiling, data["prior_filing_id"]) if data.get("prior_filing_id") else None
    if row is not None:
        session.add(FilingCitation(case_id=case_id, filing_id=row.id, filing_case_id=row.case_id))


def standing_of(ctx: EngineContext, session: Session, filing_id: Any) -> str:
    """What a cited filing proves now (none when the id names no filing)."""
    row = session.get(PriorFiling, int(filing_id)) if str(filing_id or "").isdigit() else None
    return standing(row, ctx.clock.now()) if row is not None else NONE


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


STATUS_WORDS = {"registered": "已登记", "closed": "已终结"}
MAX_LISTED = 10


def unit_filings(session: Session, unit: str | None) -> list[PriorFiling]:
    """The unit's registered filings, newest first: what the unit reported in advance, whoever was responsible."""
    unit = " ".join(str(unit or "").split())
    if not unit:
        return []
    return list(session.scalars(select(PriorFiling).where(PriorFiling.unit == unit, PriorFiling.registered_at.is_not(None))
                                .order_by(PriorFiling.registered_at.desc(), PriorFiling.id.desc()).limit(MAX_LISTED)))


def summary(session: Session, unit: str | None, cadre_name: str | None) -> str:
    """The unit's registered filings in a line each, those the cadre was responsible for marked ("无" for none)."""
    lines = []
    for row in unit_filings(session, unit):
        mine = "（该干部负责）" if cadre_name and row.cadre_name == " ".join(str(cadre_name).split()) else ""
        lines.append(f"- {row.number}：{row.matter}{mine}，{STATUS_WORDS.get(row.status, row.status)}，"
                     f"进展报告 {row.reports} 次（迟报 {row.late_reports} 次），执行偏差 {row.drifts} 次")
    return "\n".join(lines) or "无"
