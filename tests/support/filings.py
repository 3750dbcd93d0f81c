"""A prior filing (事前备案) as the applicant unit files it, and the organization department's acceptance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.persistence.models import PriorFiling
from engine.procedure.timers import fire_due_timers
from tests.support.clock import FrozenClock
from tests.support.driver import CaseRun
from tests.support.transports import Transport

FILING: dict[str, Any] = {
    "matter": "工程建设项目审批“容缺受理”改革试点",
    "cadre_name": "李华",
    "cadre_position": "局长",
    "innovation_reason": "在上级规定未明确前，对非核心材料实行容缺受理、承诺补齐。",
    "departed_rule": "突破现行审批须材料齐全方可受理的做法，填补容缺受理的制度空白。",
    "collective_discussion": "局党组会议研究，7名党组成员全部参加，一致同意试点。",
    "discussion_date": "2026-02-20",
    "execution_plan": "2026年3月起在两个园区试点三个月，每月评估。",
    "expected_risks": "补齐材料逾期导致项目停滞；以专人跟踪、逾期即停办应对。",
    "major_matter": True,
    "risk_likelihood": "high",
    "risk_impact": "severe",
    "risk_mitigation": "设置承诺期限，逾期未补齐的撤销受理并公示。",
}
REVIEW_ACCEPT = {"filing_review": "accept", "review_opinion": "材料齐全，予以备案。", "risk_override": None,
                 "risk_override_reason": None}


def file(via: Transport, **changes: Any) -> CaseRun:
    """The applicant unit files its decision."""
    return CaseRun(via, via.start("applicant", "rcjc_prior_filing", "filing", {**FILING, **changes}))


def filing(via: Transport, run: CaseRun) -> PriorFiling:
    """The filing's row as lists and later cases read it."""
    with via.ctx.sessions() as session:
        row = session.scalar(select(PriorFiling).where(PriorFiling.case_id == run.case_id))
        assert row is not None
        session.expunge(row)
        return row


def fire_all(via: Transport) -> None:
    """Fire every timer due now (a report asked for, reminders and escalations)."""
    while fire_due_timers(via.ctx).fired:
        pass


def until_report_asked(via: Transport, run: CaseRun, clock: FrozenClock) -> None:
    """Let time pass until the next progress report is asked for."""
    due = filing(via, run).next_report_due
    assert due is not None and run.open_ids() == []
    clock.advance(due - clock.now() + timedelta(minutes=1))
    fire_all(via)
    assert run.open_ids() == ["progress_report"]


def report(via: Transport, run: CaseRun, status: str, summary: str, drift: str | None = None) -> None:
    run.do("applicant", "progress_report", {"report_status": status, "report_summary": summary,
                                            "drift_description": drift})
