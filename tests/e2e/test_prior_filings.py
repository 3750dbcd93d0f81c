"""Prior filing (事前备案): a unit files an innovative decision before acting, a major one with a risk assessment;
the organization department asks for more, registers it under a filing number with a certificate, or declines
it; the registered filing asks for progress reports on a schedule, a drift opens a remedy and its follow-up check,
a missed report escalates, and the filing closes when the unit reports completion or the reviewer closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import Forbidden, FormInvalid
from engine.persistence.models import Notification, PriorFiling
from tests.support.clock import FrozenClock
from tests.support.documents import documents, download
from tests.support.filings import FILING, REVIEW_ACCEPT, file, filing, fire_all, report, until_report_asked
from tests.support.transports import Transport


def test_filed_supplemented_registered_reported_drifted_remedied_and_completed(via: Transport, clock: FrozenClock) -> None:
    run = file(via)
    # A major matter is rated by the risk table: likely and severe is a high risk.
    assert run.data()["risk_rating"] == "high"
    assert run.open_ids() == ["review_filing"]
    assert filing(via, run).status == "filed"
    run.do("orgdept", "review_filing", {"filing_review": "supplement", "review_opinion": "请补充集体讨论的会议纪要。",
                                        "risk_override": None, "risk_override_reason": None})
    assert run.open_ids() == ["supplement_filing"]
    run.do("applicant", "supplement_filing", {
        **{k: FILING[k] for k in ("innovation_reason", "departed_rule", "execution_plan", "expected_risks")},
        "collective_discussion": FILING["collective_discussion"] + "会议纪要已附。", "supplement_note": "已补充纪要。"})
    assert run.data()["supplement_rounds"] == 1
    # The reviewer lowers the rating, with a reason; the filing is registered under its number.
    run.do("orgdept", "review_filing", {**REVIEW_ACCEPT, "risk_override": "medium",
                                        "risk_override_reason": "试点范围限于两个园区，影响可控。"})
    row = filing(via, run)
    assert (row.status, row.number, row.risk_level, row.major) == ("registered", "X事前备〔2026〕1号", "medium", True)
    assert row.registered_at is not None and row.next_report_due is not None and row.next_report_due > clock.now()
    [certificate] = [d for d in documents(via, "applicant", run.case_id) if d["kind"] == "prior_filing_certificate"]
    assert certificate["number"] == "X事前备〔2026〕1号" and certificate["title"] == "事前备案登记证明"
    assert download(via, "applicant", run.case_id, certificate["id"], "pdf").startswith(b"%PDF")
    assert run.data()["filing_unit"] == "示例区发展和改革局"
    # Two reports on schedule, each read by the reviewer.
    for n in (1, 2):
        until_report_asked(via, run, clock)
        report(via, run, "on_track", f"第{n}个月试点按计划推进。")
        run.do("orgdept", "read_report", {"report_review": "continue", "report_review_note": None})
        assert filing(via, run).reports == n
    # A drift: the unit remedies at once, the reviewer finds it not enough, then enough.
    until_report_asked(via, run, clock)
    report(via, run, "drift", "一个项目补齐材料逾期。", "承诺期限届满仍有两项材料未补齐。")
    assert run.open_ids() == ["remedy_drift"]
    assert filing(via, run).drifts == 1
    run.do("applicant", "remedy_drift", {"remedy_measures": "暂停该项目办理。"})
    run.do("orgdept", "follow_up_check", {"follow_up_result": "not_effective", "follow_up_note": "应撤销受理并公示。"})
    assert run.open_ids() == ["remedy_drift"]
    run.do("applicant", "remedy_drift", {"remedy_measures": "已撤销受理并在门户网站公示。"})
    run.do("orgdept", "follow_up_check", {"follow_up_result": "effective", "follow_up_note": "补救到位。"})
    until_report_asked(via, run, clock)
    report(via, run, "completed", "试点结束，形成制度文件。")
    row = filing(via, run)
    assert (row.status, row.closure, row.reports, row.late_reports, row.drifts) == ("closed", "completed", 4, 0, 1)
    assert row.next_report_due is None and row.closed_at is not None
    assert run.case().status == "completed"


def test_a_filing_may_be_declined_with_reasons(via: Transport) -> None:
    run = file(via, major_matter=False, risk_likelihood=None, risk_impact=None, risk_mitigation=None)
    # Not a major matter: no risk assessment.
    assert run.data()["risk_rating"] == ""
    run.do("orgdept", "review_filing", {"filing_review": "decline", "review_opinion": "属于常规事项，无需备案。",
                                        "risk_override": None, "risk_override_reason": None})
    row = filing(via, run)
    assert (row.status, row.closure, row.number) == ("declined", "declined", None)
    assert [d for d in documents(via, "applicant", run.case_id) if d["kind"] == "prior_filing_certificate"] == []
    assert run.case().status == "completed"


def test_a_major_matter_needs_its_risk_assessment(via: Transport) -> None:
    with pytest.raises(FormInvalid) as refused:
        file(via, risk_likelihood=None, risk_mitigation=" ")
    assert set(refused.value.fields) == {"risk_likelihood", "risk_mitigation"}
    with via.ctx.sessions() as session:
        assert session.scalar(select(PriorFiling.id)) is None  # nothing is filed


def test_a_missed_report_escalates_and_the_reviewer_may_close(via: Transport, clock: FrozenClock) -> None:
    run = file(via)
    run.do("orgdept", "review_filing", REVIEW_ACCEPT)
    until_report_asked(via, run, clock)
    asked = filing(via, run).next_report_due
    assert asked is not None
    # The report is not sent: past its limit the supervisors are told.
    clock.advance(asked - clock.now() + timedelta(hours=1))
    fire_all(via)
    with via.ctx.sessions() as session:
        kinds = {(n.username, n.kind) for n in session.scalars(select(Notification).where(Notification.case_id == run.case_id))}
    assert ("supervisor", "escalation") in kinds and ("applicant", "reminder") in kinds
    report(via, run, "on_track", "推进中，报告迟报。")
    row = filing(via, run)
    assert (row.reports, row.late_reports) == (1, 1)
    run.do("orgdept", "read_report", {"report_review": "close", "report_review_note": "试点已并入全区改革，终结备案。"})
    row = filing(via, run)
    assert (row.status, row.closure) == ("closed", "closed_by_reviewer")


def test_another_unit_cannot_act_on_the_filing(via: Transport, clock: FrozenClock) -> None:
    run = file(via)
    run.do("orgdept", "review_filing", REVIEW_ACCEPT)
    until_report_asked(via, run, clock)
    asked = run.task("progress_report")
    with pytest.raises(Forbidden):
        via.act("other_applicant", asked, {"report_status": "on_track", "report_summary": "冒名报告"})
    # Nothing was reported: the unit's own report is still awaited.
    assert run.open_ids() == ["progress_report"] and filing(via, run).reports == 0
