"""Warning signs (早发现早提醒) raised on cases as they go on, for supervisors to see and acknowledge.

Signs that the case data settles (repeated tolerance, wrong applicant, a conclusion changed on appeal, a
rectification overdue or rejected twice) are raised once per case at the save that settles them. A repair (a
step skipped or retried, a case terminated or moved to another version) raises an irregular-procedure sign, or
adds to the one not yet acknowledged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from engine.config import DEFAULT_SETTINGS
from engine.context import EngineContext
from engine.persistence.models import CadreRecord, CaseHandler, CaseWarning, LateStep, TaskIndex

KINDS = ("repeated_tolerance", "wrong_applicant", "procedure_irregular", "changed_on_appeal", "rectification_failing")
TOLERATED = ("EXEMPT", "MITIGATE")
RECTIFICATION = "rcjc_rectification"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def earlier_tolerances(ctx: EngineContext, session: Session, case_id: int | None, cadre_name: str,
                       cadre_unit: str | None, id_number: str | None) -> dict[str, Any]:
    """The cadre's and the unit's tolerated rulings within the configured years, and whether this case would make
    the configured number (a second time within three years by default)."""
    settings = ctx.config.settings
    def number(name: str) -> int:
        return int(settings.get(name, DEFAULT_SETTINGS[name]))

    years, times, unit_times = (number("repeat_tolerance_years"), number("repeat_tolerance_times"),
                                number("repeat_tolerance_unit_times"))
    name, unit, id_number = " ".join(cadre_name.split()), (cadre_unit or "").strip(), (id_number or "").strip().upper()
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).date()
    same_cadre = and_(CadreRecord.cadre_name == name, CadreRecord.cadre_unit == unit) if unit else CadreRecord.cadre_name == name
    if id_number:
        same_cadre = or_(same_cadre, CadreRecord.cadre_id_number == id_number)
    rows = session.execute(select(CadreRecord.case_id, same_cadre, CadreRecord.cadre_unit == unit).where(
        CadreRecord.kind == "ruling", CadreRecord.outcome.in_(TOLERATED),
        CadreRecord.decided_on >= _years_before(today, years), CadreRecord.case_id != (case_id or 0),
        or_(same_cadre, CadreRecord.cadre_unit == unit) if unit else same_cadre).order_by(CadreRecord.case_id)).all()
    cadre_cases = [c for c, cadre, _unit in rows if cadre]
    unit_cases = [c for c, _cadre, same_unit in rows if same_unit] if unit else []
    cadre_warn, unit_warn = len(cadre_cases) + 1 >= times, bool(unit) and len(unit_cases) + 1 >= unit_times
    parts = []
    if cadre_warn and cadre_cases:
        parts.append(f"该干部近{years}年内已有{len(cadre_cases)}次获容错（案件{'、'.join(map(str, cadre_cases))}）")
    if unit_warn and unit_cases:
        parts.append(f"所在单位近{years}年内已有{len(unit_cases)}次获容错")
    found = bool(parts)
    return {"found": found, "cadre_found": cadre_warn and bool(cadre_cases), "years": years,
            "cadre_cases": cadre_cases, "unit_cases": unit_cases,
            "text": "；".join(parts) + "，请核实是否属于重复犯同类错误" if found else ""}


def _rectification_failing(session: Session, case_id: int, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    signs: dict[str, Any] = {}
    if data.get("rectification_accepted") is False:
        # Until accepted, every verification so far sent the rectification back.
        rejections = session.scalar(select(func.count()).select_from(CaseHandler).where(
            CaseHandler.case_id == case_id, CaseHandler.bpmn_id == "verify_rectification")) or 0
        if rejections >= 2:
            signs["rejections"] = rejections
    overdue = session.scalar(select(or_(
        exists().where(LateStep.case_id == case_id, LateStep.stage == RECTIFICATION),
        exists().where(TaskIndex.case_id == case_id, TaskIndex.process_id == RECTIFICATION, TaskIndex.due_at < now))))
    if overdue:
        signs["overdue"] = True
    return signs


def raise_from_data(session: Session, case_id: int, data: Mapping[str, Any], now: datetime) -> None:
    """Raise the signs the case data settles that the case has not had yet."""
    signs: dict[str, dict[str, Any]] = {}
    if data.get("repeated_tolerance_found") is True:
        earlier = data.get("repeat_check")
        signs["repeated_tolerance"] = {k: earlier.get(k) for k in ("years", "cadre_cases", "unit_cases")} \
            if isinstance(earlier, Mapping) else {}
    if data.get("acceptance") == "refuse" and data.get("jurisdiction_ok") is False:
        signs["wrong_applicant"] = {}
    if data.get("appeal_result") == "changed":
        signs["changed_on_appeal"] = {"from": data.get("previous_outcome"), "to": data.get("outcome")}
    if data.get("rectification_required") is True:
        signs["rectification_failing"] = {}
    if not signs:
        return
    had = set(session.scalars(select(CaseWarning.kind).where(CaseWarning.case_id == case_id)))
    if "rectification_failing" in signs and "rectification_failing" not in had:
        signs["rectification_failing"] = _rectification_failing(session, case_id, data, now)
        if not signs["rectification_failing"]:
            del signs["rectification_failing"]
    for kind, details in signs.items():
        if kind not in had:
            session.add(CaseWarning(case_id=case_id, kind=kind, details=details, raised_at=now))


def raise_event(session: Session, case_id: int, kind: str, action: str, now: datetime) -> None:
    """Raise a sign for something done to the case, or add the action to the same sign not yet acknowledged."""
    open_sign = session.scalar(select(CaseWarning).where(CaseWarning.case_id == case_id, CaseWarning.kind == kind,
                                                         CaseWarning.acknowledged_at.is_(None)))
    if open_sign is None:
        session.add(CaseWarning(case_id=case_id, kind=kind, details={"actions": [action]}, raised_at=now))
    else:
        open_sign.details = {**open_sign.details, "actions": [*open_sign.details.get("actions", []), action]}
