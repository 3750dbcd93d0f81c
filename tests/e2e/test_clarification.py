"""Clarification of false reports (澄清正名): from a case and on its own, with and without consent."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from tests.support.driver import LOOKS_EXEMPT, CaseRun, apply, close_exempt_without_appeal
from tests.support.transports import Transport

REPORT = {"cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
          "report_summary": "举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
          "re_reported": False, "harm_scope": "public"}


def clarify(run: CaseRun, consent: str, forms: list[str], intent: str) -> None:
    run.do("intake", "consult_cadre", {"cadre_consent": consent, "consent_note": "本人意见"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    run.do("intake", "execute_clarification", {"clarification_forms": forms, "clarification_letter": "澄清函",
                                               "executed_date": "2026-05-10"})
    run.do("orgdept", "file_clarification", {"filed_date": "2026-05-11", "filed_note": "已备案"})
    run.do("intake", "handle_reporter", {"reporter_intent": intent, "handling_note": "处理意见"})
    if intent == "malicious":
        assert run.open_ids() == ["refer_reporter"]
        run.do("intake", "refer_reporter", {"referral_target": "discipline", "referral_note": "移送纪检监察机关"})
    run.do("intake", "follow_up_visit", {"visit_date": "2026-06-01", "visit_note": "回访情况良好"})


def test_clarification_with_consent_and_a_malicious_reporter_referred(
    via: Transport
) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, {**LOOKS_EXEMPT, "report_false": True})
    assert run.open_ids() == ["register_clarification"]
    run.do("intake", "register_clarification", REPORT)
    assert run.data()["clarify"] == "clarify"
    clarify(run, "agree", ["written", "public"], "malicious")
    case = run.case()
    assert case.status == "completed"
    data = run.data()
    assert data["clarification_closure"] == "clarified" and "public" in data["clarification_forms"]


def test_without_consent_no_public_clarification(via: Transport) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, {**LOOKS_EXEMPT, "report_false": True})
    run.do("intake", "register_clarification", REPORT)
    run.do("intake", "consult_cadre", {"cadre_consent": "disagree", "consent_note": "不同意公开"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意"})
    with pytest.raises(FormInvalid) as caught:
        run.do("intake", "execute_clarification", {"clarification_forms": ["written", "public"],
                                                   "clarification_letter": "澄清函", "executed_date": "2026-05-10"})
    assert "clarification_forms" in caught.value.fields
    run.do("intake", "execute_clarification", {"clarification_forms": ["written"], "clarification_letter": "澄清函",
                                               "executed_date": "2026-05-10"})
    run.do("orgdept", "file_clarification", {"filed_date": "2026-05-11", "filed_note": "已备案"})
    run.do("intake", "handle_reporter", {"reporter_intent": "mistaken", "handling_note": "批评教育"})
    assert run.open_ids() == ["follow_up_visit"]


@pytest.mark.parametrize(
    ("finding", "harm", "expected"),
    [("false", ["award"], "clarify"), ("unproven", ["award"], "at_discretion"), ("false", [], "no")],
)
def test_clarification_started_on_its_own(
    via: Transport, finding: str, harm: list[str], expected: str
) -> None:
    data = {**REPORT, "report_finding": finding, "harm": harm, "harm_scope": "within_unit"}
    run = CaseRun(via, via.start("intake", "rcjc_clarification", "standalone", data))
    if expected == "no":
        assert (run.case().status, run.case().closure) == ("completed", "not_clarified")
        return
    if expected == "at_discretion":
        assert run.open_ids() == ["decide_discretion"]
        run.do("intake", "decide_discretion", {"clarify_decision": False, "discretion_reason": "影响轻微"})
        assert run.case().closure == "not_clarified"
        return
    assert run.open_ids() == ["consult_cadre"]
    clarify(run, "object_to_form", ["written"], "mistaken")
    assert run.case().closure == "clarified"
