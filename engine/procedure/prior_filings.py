"""Prior filings (事前备案) as their process settles them: the filing number taken at registration, and the filing's
row (status, risk, reports, drifts, next report due) written from the process's data at each save.

The process (processes/rcjc_prior_filing.bpmn) keeps the steps, forms, files and documents; the row is what lists,
the API, a later case that cites the filing and the figures read without loading a workflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.persistence.case_rows import CaseRow
from engine.persistence.models import PriorFiling
from engine.procedure.document_numbers import issuing_year, next_number

FILING_PROCESS = "rcjc_prior_filing"
STATUSES = ("filed", "registered", "declined", "closed")
# The certificate of registration carries the filing number: they are one sequence.
NUMBER_KIND = "prior_filing_certificate"


def take_number(ctx: EngineContext, session: Session) -> str:
    """The next filing number of this year, taken in the registering step's transaction (given back if it fails)."""
    now = ctx.clock.now()
    return next_number(session, ctx.config, NUMBER_KIND, issuing_year(now, ctx.config.timezone)).text


def _text(value: Any, size: int) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:size] or None


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _report_due(data: Mapping[str, Any]) -> datetime | None:
    """The report asked for (still awaited when its deadline is later than the scheduled day) or the next one."""
    if data.get("filing_status") != "registered":
        return None
    scheduled, asked = _moment(data.get("next_report_due")), _moment(data.get("report_deadline"))
    if scheduled is None or (asked is not None and asked > scheduled):
        return asked
    return scheduled


def sync(session: Session, case: CaseRow, data: Mapping[str, Any], now: datetime) -> None:
    """Write or bring up to date the filing's row from its process's data (nothing for other processes)."""
    status = data.get("filing_status")
    if case.process_id != FILING_PROCESS or status not in STATUSES:
        return
    row = session.scalar(select(PriorFiling).where(PriorFiling.case_id == case.id))
    if row is None:
        row = PriorFiling(case_id=case.id, filed_at=now, unit=case.unit, matter="", reports=0, late_reports=0, drifts=0)
        session.add(row)
    reports = [r for r in data.get("progress_reports") or [] if isinstance(r, Mapping)]
    row.status = str(status)
    row.number = _text(data.get("filing_number"), 80) or row.number
    row.cadre_name = _text(data.get("cadre_name"), 100)
    row.cadre_position = _text(data.get("cadre_position"), 200)
    row.matter = _text(data.get("matter"), 2000) or ""
    row.major = data.get("major_matter") is True
    row.risk_level = _text(data.get("risk_level") or data.get("risk_rating"), 20)
    row.reports = len(reports)
    row.late_reports = sum(1 for r in reports if r.get("late") is True)
    row.drifts = int(data.get("drift_count") or 0)
    row.next_report_due = _report_due(data)
    if status == "registered" and row.registered_at is None:
        row.registered_at = now
    if status in ("declined", "closed"):
        row.closure = _text(data.get("closure"), 40)
        row.closed_at = row.closed_at or now
    row.updated_at = now
