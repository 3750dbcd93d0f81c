"""The ruling is in force from its feedback: rectification and clarification run beside the appeal window, and an
appeal that changes the ruling adjusts them and the result-application notice. Filing is never skipped."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import FormInvalid
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, LOOKS_MITIGATE, CaseRun, apply, to_ruling_meeting
from tests.support.transports import Transport

SCOPE = ["assessment", "awards", "selection", "unit_assessment"]
RESULT_APPLICATION = {"result_application_note": "不作负面评价", "no_negative_effect": True}
REPORT = {"cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
          "report_summary": "举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
          "re_reported": False, "harm_scope": "within_unit"}


def ruled(via: Transport, outcome: str, rectification: bool, report_false: bool = False) -> CaseRun:
    """A case through its ruling meeting to the signed ruling, not yet fed back."""
    looks = {"EXEMPT": LOOKS_EXEMPT, "MITIGATE": LOOKS_MITIGATE}[outcome]
    run = apply(via)
    to_ruling_meeting(run, {**looks, "report_false": report_false}, outcome)
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling(outcome, rectification=rectification)
    return run


def to_filing(run: CaseRun) -> None:
    """Intake registers the false report; the cadre agrees, the chair approves, a written clarification is made."""
    run.do("intake", "register_clarification", REPORT)
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    run.do("intake", "execute_clarification", {"clarification_forms": ["written"], "clarification_letter": "澄清函",
                                               "executed_date": "2026-05-10"})


def clarify(run: CaseRun) -> None:
    """The whole clarification, filed with the organization department, for a mistaken report."""
    to_filing(run)
    run.do("orgdept", "file_clarification", {"filed_date": "2026-05-11", "filed_note": "已备案"})
    run.do("intake", "handle_reporter", {"reporter_intent": "mistaken", "handling_note": "批评教育"})
    run.do("intake", "follow_up_visit", {"visit_date": "2026-06-01", "visit_note": "回访情况良好"})


def appeal(run: CaseRun, review: dict[str, Any]) -> None:
    """The applicant appeals and a reviewer who did not handle the case decides."""
    run.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为结论不当"})
    run.do("reviewer", "review_appeal", {"review_reason": "复核意见", **review})


def test_rectification_and_clarification_start_with_the_ruling(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=True, report_false=True)
    run.feedback()
    # The appeal window is open, and the ruling is already carried out: rectification and clarification run.
    assert run.open_ids() == ["decide_appeal", "register_clarification", "report_rectification"]
    data = run.data()
    assert (data["filed_with_org_dept"], data["filing_date"]) == (True, "2026-04-25")
    run.rectify(accepted=True)
    clarify(run)
    assert run.open_ids() == ["decide_appeal"]
    assert run.case().status == "running"
    run.no_appeal()
    case = run.case()
    assert (case.status, case.closure, case.outcome) == ("completed", "completed", "MITIGATE")
    data = run.data()
    assert data["rectification_accepted"] is True and data["clarification_closure"] == "clarified"
    assert data["appeal"] is False


def test_an_upheld_appeal_leaves_rectification_and_clarification_running(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=True, report_false=True)
    run.feedback()
    run.do("applicant", "report_rectification", {"rectification_report": "已完成整改", "completed_date": "2026-06-01"})
    appeal(run, {"appeal_result": "upheld"})
    assert run.open_ids() == ["register_clarification", "verify_rectification"]
    assert run.data()["appeal_result"] == "upheld"
    run.do("supervisor", "verify_rectification", {"rectification_accepted": True, "verification_comment": "符合要求"})
    clarify(run)
    case = run.case()
    assert (case.status, case.outcome) == ("completed", "MITIGATE")


def test_exempt_changed_to_not_tolerated_withdraws_the_result_application(via: Transport) -> None:
    run = ruled(via, "EXEMPT", rectification=False)
    run.feedback()
    run.do("orgdept", "apply_result", RESULT_APPLICATION)
    assert run.data()["no_negative_scope"] == SCOPE
    appeal(run, {"appeal_result": "changed", "new_outcome": "NOT_TOLERATED", "new_rectification": "new",
                 "new_rectification_requirements": "建立资金拨付复核制度", "new_rectification_deadline": "2026-09-30"})
    assert run.case().outcome == "NOT_TOLERATED"
    assert run.open_ids() == ["send_feedback"]  # the changed ruling goes back through feedback and filing
    run.feedback()
    # The organization department withdraws its notice, on the clock like every step.
    assert run.open_ids() == ["withdraw_result"]
    assert run.task("withdraw_result").due_at is not None
    with pytest.raises(FormInvalid) as caught:
        run.do("orgdept", "withdraw_result", {"result_withdrawal_date": "2026-05-20"})
    assert "result_withdrawal_note" in caught.value.fields
    run.do("orgdept", "withdraw_result", {"result_withdrawal_date": "2026-05-20", "result_withdrawal_note": "撤回通知"})
    # The changed ruling requires rectification and none ran: it starts now, with the new requirements.
    assert run.open_ids() == ["report_rectification"]
    assert run.data()["rectification_requirements"] == "建立资金拨付复核制度"
    run.rectify(accepted=True)
    case = run.case()
    assert (case.status, case.closure, case.outcome) == ("completed", "completed", "NOT_TOLERATED")
    data = run.data()
    assert (data["previous_outcome"], data["outcome"]) == ("EXEMPT", "NOT_TOLERATED")
    assert (data["result_application_issued"], data["result_application_withdrawn"]) == (False, True)
    assert (data["rectification_required"], data["rectification_deadline"]) == (True, "2026-09-30")


def test_mitigate_changed_to_exempt_stops_the_rectification_and_issues_the_notice(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=True)
    run.feedback()
    run.do("applicant", "report_rectification", {"rectification_report": "正在整改", "completed_date": "2026-06-01"})
    assert run.open_ids() == ["decide_appeal", "verify_rectification"]
    appeal(run, {"appeal_result": "changed", "new_outcome": "EXEMPT", "new_rectification": "none"})
    # The rectification of the old ruling is stopped at once; the changed ruling is fed back and filed.
    assert run.open_ids() == ["send_feedback"]
    assert run.case().outcome == "EXEMPT"
    run.feedback()
    assert run.open_ids() == ["apply_result"]
    run.do("orgdept", "apply_result", RESULT_APPLICATION)
    case = run.case()
    assert (case.status, case.closure, case.outcome) == ("completed", "completed", "EXEMPT")
    data = run.data()
    assert (data["rectification_required"], data["result_application_issued"]) == (False, True)
    assert data["no_negative_scope"] == SCOPE


def test_a_changed_ruling_may_keep_the_running_rectification(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=True)
    run.feedback()
    appeal(run, {"appeal_result": "changed", "new_outcome": "NOT_TOLERATED", "new_rectification": "keep"})
    assert run.open_ids() == ["report_rectification", "send_feedback"]
    run.feedback()
    assert run.open_ids() == ["report_rectification"]
    # The rectification began under the old ruling; the case still reads the ruling in force.
    run.do("applicant", "report_rectification", {"rectification_report": "已完成整改", "completed_date": "2026-06-01"})
    assert (run.case().outcome, run.data()["outcome"]) == ("NOT_TOLERATED", "NOT_TOLERATED")
    run.do("supervisor", "verify_rectification", {"rectification_accepted": True, "verification_comment": "符合要求"})
    case = run.case()
    assert (case.status, case.outcome) == ("completed", "NOT_TOLERATED")
    assert run.data()["rectification_accepted"] is True


def test_new_requirements_replace_the_running_rectification(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=True)
    run.feedback()
    appeal(run, {"appeal_result": "changed", "new_outcome": "NOT_TOLERATED", "new_rectification": "new",
                 "new_rectification_requirements": "追回延期拨付资金", "new_rectification_deadline": "2026-08-31"})
    assert run.open_ids() == ["send_feedback"]  # the rectification under the old requirements is stopped
    run.feedback()
    assert run.open_ids() == ["report_rectification"]
    assert run.data()["rectification_requirements"] == "追回延期拨付资金"
    run.rectify(accepted=True)
    case = run.case()
    assert (case.status, case.outcome) == ("completed", "NOT_TOLERATED")
    assert (run.data()["rectification_deadline"], run.data()["rectification_accepted"]) == ("2026-08-31", True)


def test_a_changed_ruling_states_its_outcome_and_rectification(via: Transport) -> None:
    run = ruled(via, "MITIGATE", rectification=False)
    run.feedback()
    run.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为应当免责"})
    attempts: list[tuple[dict[str, Any], set[str]]] = [
        ({"appeal_result": "changed"}, {"new_outcome", "new_rectification"}),
        ({"appeal_result": "changed", "new_outcome": "MITIGATE", "new_rectification": "none"}, {"new_outcome"}),
        # The ruling required no rectification: there is none to keep.
        ({"appeal_result": "changed", "new_outcome": "EXEMPT", "new_rectification": "keep"}, {"new_rectification"}),
        ({"appeal_result": "changed", "new_outcome": "NOT_TOLERATED", "new_rectification": "new"},
         {"new_rectification_requirements", "new_rectification_deadline"}),
    ]
    for review, fields in attempts:
        with pytest.raises(FormInvalid) as caught:
            run.do("reviewer", "review_appeal", {"review_reason": "复核意见", **review})
        assert set(caught.value.fields) == fields, review
    assert run.open_ids() == ["review_appeal"]


def test_filing_and_the_notice_cannot_be_skipped(via: Transport) -> None:
    run = ruled(via, "EXEMPT", rectification=False, report_false=True)
    notice = {"notice_sent_date": "2026-04-25", "notice_text": "反馈通知"}
    with pytest.raises(FormInvalid) as caught:
        run.do("intake", "send_feedback", notice)
    assert set(caught.value.fields) == {"filing_date"}
    with pytest.raises(FormInvalid) as caught:  # no longer a box one could leave unticked
        run.do("intake", "send_feedback", {**notice, "filed_with_org_dept": False, "filing_date": "2026-04-25"})
    assert set(caught.value.fields) == {"filed_with_org_dept"}
    run.feedback()
    # The notice covers all four areas; the scope is fixed, and the department confirms it.
    with pytest.raises(FormInvalid) as caught:
        run.do("orgdept", "apply_result", {**RESULT_APPLICATION, "no_negative_effect": False})
    assert set(caught.value.fields) == {"no_negative_effect"}
    run.do("orgdept", "apply_result", {**RESULT_APPLICATION, "no_negative_scope": ["assessment"]})
    assert run.data()["no_negative_scope"] == SCOPE
    # A clarification is filed with the organization department too, with its date.
    run.no_appeal()
    to_filing(run)
    with pytest.raises(FormInvalid) as caught:
        run.do("orgdept", "file_clarification", {"filed_note": "已备案"})
    assert "filed_date" in caught.value.fields
