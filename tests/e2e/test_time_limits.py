"""Every step on the clock, and the application window: steps without a limit of their own in the procedure are due
in five working days, reminded and escalated like the others; an application filed after its window is refused."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from engine.errors import FormInvalid
from engine.persistence.models import Case, Notification
from engine.procedure.timers import fire_due_timers
from tests.support.driver import APPLICATION, LOOKS_EXEMPT, CaseRun, apply
from tests.support.transports import Transport

SHANGHAI = ZoneInfo("Asia/Shanghai")


def notifications(via: Transport, case_id: int) -> list[tuple[str, str, str]]:
    """Who was reminded or alerted of what about a case, oldest first."""
    with via.ctx.sessions() as s:
        # Reminders and escalations: the notices of arriving work are told elsewhere (test_work_notices.py).
        rows = s.scalars(select(Notification).where(Notification.case_id == case_id,
                                                    Notification.kind.in_(("reminder", "escalation")))
                         .order_by(Notification.id))
        return [(n.username, n.kind, n.message) for n in rows]


def due_day(run: CaseRun, bpmn_id: str) -> date:
    """The local day an open task is due."""
    due = run.task(bpmn_id).due_at
    assert due is not None, f"{bpmn_id} has no due date"
    return due.astimezone(SHANGHAI).date()


def test_triage_and_the_outcome_proposal_are_due_reminded_and_escalated(via: Transport, clock: object) -> None:
    run = apply(via)  # Monday 2 March 2026, 17:00 in Beijing
    run.accept()
    assert due_day(run, "triage") == date(2026, 3, 9)  # five working days
    clock.advance(timedelta(days=3))  # type: ignore[attr-defined]  # Thursday 5 March: two working days before
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    triage = f"“程序分流”（案件 {run.case_id}，张明）"
    assert notifications(via, run.case_id) == [("intake", "reminder", f"{triage}将于2026年3月9日到期，请及时办理")]
    clock.advance(timedelta(days=5))  # type: ignore[attr-defined]  # Tuesday 10 March: overdue
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    overdue = f"{triage}已超过办理期限（2026年3月9日），尚无人认领（受理人员），请督促办理"
    assert notifications(via, run.case_id)[1:] == [("intake", "escalation", overdue), ("supervisor", "escalation", overdue)]
    assert run.open_ids() == ["triage"]  # escalation does not end the step

    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)
    assert run.data()["report_date"] == "2026-03-10"  # the ruling's limit counts from the report
    assert due_day(run, "outcome_proposal") == date(2026, 3, 17)
    via.claim("investigator", run.task("outcome_proposal").id)  # reminded: its holder, not every investigator
    clock.advance(timedelta(days=3))  # type: ignore[attr-defined]  # Friday 13 March
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    proposal = f"“确认建议结论”（案件 {run.case_id}，张明）"
    assert notifications(via, run.case_id)[3:] == [("investigator", "reminder", f"{proposal}将于2026年3月17日到期，请及时办理")]
    clock.advance(timedelta(days=5))  # type: ignore[attr-defined]  # Wednesday 18 March
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    overdue = f"{proposal}已超过办理期限（2026年3月17日），办理人：investigator，请督促办理"  # a user without a name
    assert notifications(via, run.case_id)[4:] == [("investigator", "escalation", overdue),
                                                   ("supervisor", "escalation", overdue)]


def test_the_steps_of_a_clarification_proposal_share_its_ten_working_days(via: Transport, clock: object) -> None:
    report = {"cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
              "report_summary": "举报其违规拨付资金", "report_finding": "unproven", "harm": ["award"],
              "re_reported": False, "harm_scope": "within_unit"}
    run = CaseRun(via, via.start("intake", "rcjc_clarification", "standalone", report))
    assert due_day(run, "decide_discretion") == date(2026, 3, 16)  # Monday 2 March and ten working days
    clock.advance(timedelta(days=3))  # type: ignore[attr-defined]  # Thursday 5 March: three of them used
    run.do("intake", "decide_discretion", {"clarify_decision": True, "discretion_reason": "影响评先评优"})
    assert due_day(run, "consult_cadre") == date(2026, 3, 16)  # the seven left, not ten afresh (19 March)
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    assert due_day(run, "approve_clarification") == date(2026, 3, 12)  # the approval's own five working days


def _cases(via: Transport) -> int:
    with via.ctx.sessions() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


def test_an_application_after_its_window_is_refused_naming_the_decision_date(via: Transport) -> None:
    # Today is Monday 2 March 2026; the window is one month from the day the accountability decision was received.
    for late in ("2026-01-26", "2025-12-01"):
        with pytest.raises(FormInvalid) as caught:
            apply(via, accountability_decision_date=late)
        assert list(caught.value.fields) == ["accountability_decision_date"]
        assert "已超过申请期限" in caught.value.fields["accountability_decision_date"][0]
    with pytest.raises(FormInvalid) as caught:
        apply(via, accountability_decision_date="2026-03-03")  # not received yet
    assert list(caught.value.fields) == ["accountability_decision_date"]
    assert _cases(via) == 0  # nothing was stored
    # Received on 2 February: the month ends on 2 March, today. Before any decision: no window yet.
    for within in ({"accountability_decision_date": "2026-02-02"}, {"accountability_decision_date": "2026-03-02"}, {}):
        run = apply(via, **within)
        assert run.open_ids() == ["acceptance_review"]
        assert run.data().get("accountability_decision_date") == within.get("accountability_decision_date")
    assert "accountability_decision_date" not in APPLICATION  # the shared application is filed before any decision
