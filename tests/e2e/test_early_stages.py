"""Entry, prior-ruling check, acceptance, triage, simple review and investigation, every branch."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from engine.errors import Conflict, Forbidden
from engine.persistence.models import Notification, User
from engine.procedure.timers import fire_due_timers
from tests.support.driver import APPLICATION, LOOKS_EXEMPT, LOOKS_UNCLEAR, CaseRun, apply, close_exempt_without_appeal
from tests.support.transports import Transport

SHANGHAI = ZoneInfo("Asia/Shanghai")

def test_refused_application_ends_with_reasons(via: Transport) -> None:
    run = apply(via)
    assert run.open_ids() == ["acceptance_review"]
    assert run.task("acceptance_review").due_at is not None  # 10 working days from filing
    run.do("intake", "acceptance_review", {"acceptance": "refuse", "acceptance_reason": "不属于本机关管辖"})
    case = run.case()
    assert (case.status, case.closure) == ("completed", "refused")


def test_supplement_then_accepted(via: Transport) -> None:
    run = apply(via)
    run.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要",
                                           "supplement_request": "请补充党组会议纪要"})
    assert run.open_ids() == ["supplement"]
    run.do("applicant", "supplement", {"supplement_materials": "已补充会议纪要"})
    assert run.open_ids() == ["acceptance_review"]
    run.accept()
    assert run.open_ids() == ["triage"]


def test_asking_for_supplements_pauses_the_acceptance_clock(via: Transport, clock: object) -> None:
    run = apply(via)  # Monday 2 March: 10 working days, due Monday 16 March
    assert run.task("acceptance_review").due_at.astimezone(SHANGHAI).date() == date(2026, 3, 16)  # type: ignore[union-attr]
    clock.advance(timedelta(days=3))  # type: ignore[attr-defined]  # Thursday 5 March: 3 working days used
    run.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要"})
    clock.advance(timedelta(days=5))  # type: ignore[attr-defined]  # Tuesday 10 March: the materials arrive
    run.do("applicant", "supplement", {"supplement_materials": "已补充会议纪要"})
    # 7 working days are left, counted from the day the clock resumed: Thursday 19 March, not 24 March.
    review = run.task("acceptance_review")
    assert review.due_at.astimezone(SHANGHAI).date() == date(2026, 3, 19)  # type: ignore[union-attr]
    clock.advance(timedelta(days=7))  # type: ignore[attr-defined]  # Tuesday 17 March: the reminder rings
    fire_due_timers(via.ctx)
    assert notifications(via, run.case_id)[-1][2].endswith("将于2026年3月19日到期，请及时办理")
    clock.advance(timedelta(days=3))  # type: ignore[attr-defined]  # Friday 20 March: escalated as overdue
    fire_due_timers(via.ctx)
    # Unclaimed: the escalation says which group it waits in.
    overdue = f"“受理审查”（案件 {run.case_id}，张明）已超过办理期限（2026年3月19日），尚无人认领（受理人员），请督促办理"
    assert notifications(via, run.case_id)[-1][1:] == ("escalation", overdue)


def test_supplement_delivered_by_message(via: Transport) -> None:
    run = apply(via)
    run.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺材料"})
    with pytest.raises(Conflict):
        via.deliver("intake", run.case_id, "no_such_message", {})
    via.deliver("applicant", run.case_id, "supplement_received", {"files": ["纪要.pdf"]})
    assert run.open_ids() == ["acceptance_review"]


def test_supplement_not_received_in_time_closes_the_case(
    via: Transport, clock: object
) -> None:
    run = apply(via)
    run.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺材料"})
    assert fire_due_timers(via.ctx).fired == []  # nothing is due yet
    clock.advance(timedelta(days=13))  # type: ignore[attr-defined]  # 9 working days: still open
    # Two working days before the 10th, the applicant organization (not another unit) was reminded.
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    assert run.open_ids() == ["supplement"]
    assert notifications(via, run.case_id) == [
        ("applicant", "reminder", f"“补正材料”（案件 {run.case_id}，张明）将于2026年3月16日到期，请及时办理")]
    assert fire_due_timers(via.ctx).fired == []  # a reminder rings once
    clock.advance(timedelta(days=2))  # type: ignore[attr-defined]  # past the 10th working day
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    case = run.case()
    assert (case.status, case.closure) == ("completed", "supplement_lapsed")


def notifications(via: Transport, case_id: int) -> list[tuple[str, str, str]]:
    """Who was reminded or alerted of what about a case, oldest first."""
    with via.ctx.sessions() as s:
        # Reminders and escalations: the notices of arriving work are told elsewhere (test_work_notices.py).
        rows = s.scalars(select(Notification).where(Notification.case_id == case_id,
                                                    Notification.kind.in_(("reminder", "escalation")))
                         .order_by(Notification.id))
        return [(n.username, n.kind, n.message) for n in rows]


def test_a_reminder_before_the_due_date_then_escalation_when_it_passes(via: Transport, clock: object) -> None:
    run = apply(via)  # filed Monday 2 March; acceptance is due by the end of Monday 16 March
    clock.advance(timedelta(days=10))  # type: ignore[attr-defined]  # Thursday 12 March, 17:00 in Beijing
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    reminder = f"“受理审查”（案件 {run.case_id}，张明）将于2026年3月16日到期，请及时办理"
    assert notifications(via, run.case_id) == [("intake", "reminder", reminder)]
    task = run.task("acceptance_review")
    via.claim("intake", task.id)
    with via.ctx.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "intake").values(display_name="赵敏", position="信访室干部"))
    clock.advance(timedelta(days=5))  # type: ignore[attr-defined]  # Tuesday 17 March: overdue
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    # The supervisors read who holds the overdue step, by name, unit and position.
    escalation = (f"“受理审查”（案件 {run.case_id}，张明）已超过办理期限（2026年3月16日），"
                  "办理人：赵敏（信访室干部），请督促办理")
    assert notifications(via, run.case_id)[1:] == [("intake", "escalation", escalation),
                                                   ("supervisor", "escalation", escalation)]
    assert run.open_ids() == ["acceptance_review"]  # the step goes on: escalation does not end it
    run.accept()
    assert run.open_ids() == ["triage"]


def test_pre_check_not_applicable_and_applicable(via: Transport) -> None:
    pre = {k: v for k, v in APPLICATION.items() if k != "evidence_list"} | {"accountability_case_no": "问责〔2026〕3号"}
    for may_apply in (False, True):
        run = CaseRun(via, via.start("accountability", "rcjc_case", "pre_check", pre))
        assert run.open_ids() == ["pre_check_review"]
        run.do("accountability", "pre_check_review", {"tolerance_may_apply": may_apply, "circumstance": "pilot_reform",
                                                      "pre_check_reason": "前置审查意见"})
        if may_apply:
            assert run.open_ids() == ["acceptance_review"]
            assert run.data()["entry"] == "pre_check"
        else:
            assert (run.case().status, run.case().closure) == ("completed", "not_applicable")


def test_the_applicant_cannot_use_the_accountability_entry(via: Transport) -> None:
    with pytest.raises(Forbidden):
        via.start("applicant", "rcjc_case", "pre_check", APPLICATION)


def test_prior_ruling_found_closes_without_new_evidence(via: Transport) -> None:
    first = apply(via)
    close_exempt_without_appeal(first)
    assert first.case().status == "completed"
    again = apply(via, matter="  产业园区招商政策先行先试 ")
    assert again.open_ids() == ["prior_ruling_review"]
    assert again.data()["prior_ruling_id"]
    again.do("intake", "prior_ruling_review", {"new_evidence": False, "prior_review_note": "无新证据，不再重翻旧账"})
    assert (again.case().status, again.case().closure) == ("completed", "prior_ruling")
    third = apply(via)
    third.do("intake", "prior_ruling_review", {"new_evidence": True, "prior_review_note": "提交了新的证据"})
    assert third.open_ids() == ["acceptance_review"]


def test_simple_review_to_closed_case(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("simple")
    assert run.open_ids() == ["simple_review"]
    run.do("investigator", "simple_review", {"facts_disputed": False, **LOOKS_EXEMPT, "review_note": "事实清楚"})
    assert run.data()["recommended_outcome"] == "EXEMPT"
    run.do("chair", "simple_ruling", {"outcome": "EXEMPT", "ruling_basis": "简易程序裁定", "rectification_required": False})
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    run.no_appeal()
    assert (run.case().status, run.case().outcome) == ("completed", "EXEMPT")


def test_simple_review_switches_to_ordinary_when_facts_are_disputed(
    via: Transport
) -> None:
    run = apply(via)
    run.accept()
    run.triage("simple")
    run.do("investigator", "simple_review", {"facts_disputed": True, **LOOKS_EXEMPT, "review_note": "当事人对事实有异议"})
    assert run.open_ids() == ["investigation"]
    assert run.data()["procedure"] == "ordinary"


def test_investigation_extension_approved_and_refused(
    via: Transport, clock: object
) -> None:
    for approved, next_task in ((True, "investigation_extended"), (False, "investigation_final")):
        run = apply(via, matter=f"延期测试 {approved}")
        run.accept()
        run.triage("ordinary")
        first_due = run.task("investigation").due_at
        assert first_due is not None
        original = first_due.astimezone(SHANGHAI).date()
        if approved:
            assert original == date(2026, 4, 2)  # one month from filing on 2 March
        clock.advance(timedelta(days=20))  # type: ignore[attr-defined]  # the extension is asked for late in the month
        run.investigate(LOOKS_EXEMPT, action="request_extension")
        assert run.open_ids() == ["extension_approval"]
        run.do("chair", "extension_approval", {"extension_approved": approved, "extension_reason": "需走访调查"})
        assert run.open_ids() == [next_task]
        task = run.task(next_task)
        assert task.due_at is not None
        # Approved: one more month counted from the original deadline; 2 May falls in the Labour Day
        # holiday (1–5 May 2026), so it ends on the 6th. Refused: the original deadline stands.
        expected = date(2026, 5, 6) if approved else original
        assert task.due_at.astimezone(SHANGHAI).date() == expected
        run.do("investigator", next_task, {"methods": ["site_visit"], "findings": "补充调查", **LOOKS_EXEMPT})
        assert run.open_ids() == ["outcome_proposal"]


def test_unclear_motive_goes_back_for_more_investigation(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_UNCLEAR)
    assert run.open_ids() == ["investigation"]
    assert "recommended_outcome" not in run.data()
