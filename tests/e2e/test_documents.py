"""Official documents: each step issues its documents from the case data, numbered from the register, kept with
the hash of what they say, rendered as PDF and DOCX, and readable only like the case."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from engine.access.users import display_names
from engine.errors import NotFound
from engine.persistence.models import AccessLog, AuditEvent
from engine.procedure.rendering import render_pending
from tests.support.documents import by_kind, documents, download, ruled, texts
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, apply, close_exempt_without_appeal, to_ruling_meeting
from tests.support.transports import Transport

EXEMPT_LABEL = "容错免责（不予/免予追究）"
NOT_TOLERATED_LABEL = "不予容错"


def test_a_case_through_ruling_feedback_and_rectification_has_each_document(via: Transport) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, rectification=True)
    year = via.ctx.clock.now().year
    docs = documents(via, "chair", run.case_id)
    assert [(d["title"], d["number"]) for d in docs] == [
        ("容错纠错申请书", f"X纪容申〔{year}〕1号"), ("受理通知书", f"X纪容受〔{year}〕1号"),
        ("调查核实报告", f"X纪容查〔{year}〕1号"), ("裁定会议纪要", f"X纪容纪要〔{year}〕1号"),
        ("裁定书", f"X纪容裁〔{year}〕1号"), ("裁定结果反馈通知书", f"X纪容反〔{year}〕1号"),
        ("容错纠错结果报备函", f"X纪容备〔{year}〕1号"), ("整改验收记录", f"X纪容验〔{year}〕1号")]
    # The minutes record the committee's deliberation: the applicant unit reads every document but those.
    assert [d["title"] for d in documents(via, "applicant", run.case_id)] == [
        d["title"] for d in docs if d["kind"] != "meeting_minutes"]
    assert all(d["superseded_by"] is None for d in docs)
    for doc in docs:
        for text in texts(via, "chair", run.case_id, doc):
            assert APPLICATION["cadre_name"] in text and doc["number"] in text and doc["title"] in text
    kinds = by_kind(docs)
    for text in texts(via, "chair", run.case_id, kinds["ruling_letter"]):
        assert EXEMPT_LABEL in text and "健全资金拨付审批制度" in text and "区容错免责裁定委员会" in text
        assert "（盖章）" in text and "EXEMPT" not in text
    with via.ctx.sessions() as session:
        names = display_names(session, ALL_MEMBERS)
    for text in texts(via, "chair", run.case_id, kinds["meeting_minutes"]):
        # The minutes name each member's vote and the motion by its words.
        assert all(names[m] in text for m in ALL_MEMBERS) and "同意" in text and EXEMPT_LABEL in text
    pdf, docx = texts(via, "chair", run.case_id, kinds["investigation_report"])
    assert "主观动机" in docx and "查明事实如下" in docx and "public_unintentional" not in docx
    pdf, docx = texts(via, "chair", run.case_id, kinds["application"])
    assert str(APPLICATION["facts"]) in docx and str(APPLICATION.get("cadre_id_number", "无此项")) not in docx

    second = ruled(via, cadre_name="李华")  # another cadre: no earlier ruling to review first
    assert [d["number"] for d in documents(via, "applicant", second.case_id) if d["kind"] == "ruling_letter"] == [
        f"X纪容裁〔{year}〕2号"]


def test_supplement_and_refusal_notices_follow_the_acceptance_decision(via: Transport) -> None:
    run = apply(via)
    run.do("intake", "acceptance_review", {"jurisdiction_ok": True, "materials_complete": False,
                                           "acceptance": "supplement", "acceptance_reason": "材料不全",
                                           "supplement_request": "请补充会议记录"})
    run.do("applicant", "supplement", {"supplement_materials": "已补充会议记录"})
    run.do("intake", "acceptance_review", {"jurisdiction_ok": False, "materials_complete": True,
                                           "acceptance": "refuse", "acceptance_reason": "不属于本机关管辖"})
    docs = documents(via, "applicant", run.case_id)
    assert [d["title"] for d in docs] == ["容错纠错申请书", "补正材料通知书", "不予受理通知书"]
    assert "请补充会议记录" in texts(via, "applicant", run.case_id, docs[1])[1]
    assert "不属于本机关管辖" in texts(via, "applicant", run.case_id, docs[2])[1]


def test_a_new_round_issues_the_minutes_but_no_letter(via: Transport) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.do("chair", "issue_ruling", {"ruling_action": "new_round", "new_round_reason": "有新材料，需重新表决",
                                     "minutes": "第一轮表决"})
    assert [d["kind"] for d in documents(via, "chair", run.case_id)][-1:] == ["meeting_minutes"]
    assert "ruling_letter" not in by_kind(documents(via, "chair", run.case_id))


def test_another_units_applicant_finds_no_document(via: Transport) -> None:
    run = ruled(via)
    letter = by_kind(documents(via, "applicant", run.case_id))["ruling_letter"]
    with pytest.raises(NotFound):
        documents(via, "other_applicant", run.case_id)
    for fmt in ("pdf", "docx"):
        with pytest.raises(NotFound):
            download(via, "other_applicant", run.case_id, letter["id"], fmt)


def test_the_audit_trail_keeps_what_each_document_says_and_the_hash_of_each_file(via: Transport) -> None:
    run = ruled(via)
    letter = by_kind(documents(via, "applicant", run.case_id))["ruling_letter"]
    pdf = download(via, "applicant", run.case_id, letter["id"], "pdf")
    docx = download(via, "applicant", run.case_id, letter["id"], "docx")
    assert download(via, "chair", run.case_id, letter["id"], "pdf") == pdf  # rendered once, then kept
    with via.ctx.sessions() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == run.case_id)
                                      .order_by(AuditEvent.seq)))
    [issued] = [e for e in events if e.event == "document_issued" and e.details["document"] == letter["id"]]
    assert issued.bpmn_id == "issue_ruling" and issued.details["number"] == letter["number"]
    assert len(issued.details["content_sha256"]) == 64
    [rendered] = [e for e in events if e.event == "document_rendered" and e.details["document"] == letter["id"]]
    assert (rendered.details["pdf_sha256"], rendered.details["docx_sha256"]) == (
        hashlib.sha256(pdf).hexdigest(), hashlib.sha256(docx).hexdigest())
    assert [e.details["format"] for e in events if e.event == "document_downloaded"] == ["pdf", "docx", "pdf"]


def test_the_worker_renders_what_was_issued_once(via: Transport) -> None:
    run = ruled(via)
    issued = len(documents(via, "chair", run.case_id))
    assert render_pending(via.ctx, limit=100) == issued
    assert render_pending(via.ctx, limit=100) == 0


def test_a_simple_ruling_issues_its_letter_with_the_applications_facts(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("simple")
    run.do("investigator", "simple_review", {"facts_disputed": False, **LOOKS_EXEMPT, "review_note": "事实清楚"})
    run.do("chair", "simple_ruling", {"outcome": "EXEMPT", "ruling_basis": "简易程序裁定", "rectification_required": False})
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    docx = texts(via, "chair", run.case_id, letter)[1]
    assert letter["number"] in docx and EXEMPT_LABEL in docx and str(APPLICATION["facts"]) in docx


def test_an_appeal_that_changes_the_ruling_issues_its_decision(via: Transport) -> None:
    run = ruled(via)
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    run.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为结论不当"})
    run.do("reviewer", "review_appeal", {"review_reason": "隐瞒了损失", "appeal_result": "changed",
                                         "new_outcome": "NOT_TOLERATED", "new_rectification": "none"})
    decision = by_kind(documents(via, "applicant", run.case_id))["appeal_decision"]
    docx = texts(via, "applicant", run.case_id, decision)[1]
    assert "变更原裁定" in docx and NOT_TOLERATED_LABEL in docx and "隐瞒了损失" in docx and "认为结论不当" in docx


def test_a_clarification_issues_its_decision_and_letter(via: Transport) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, {**LOOKS_EXEMPT, "report_false": True})
    run.do("intake", "register_clarification", {
        "cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
        "report_summary": "举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
        "re_reported": False, "harm_scope": "public"})
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    run.do("intake", "execute_clarification", {"clarification_forms": ["written"], "clarification_letter": "经核查，举报不实。",
                                               "executed_date": "2026-05-10"})
    kinds = by_kind(documents(via, "intake", run.case_id))
    decision = texts(via, "intake", run.case_id, kinds["clarification_decision"])[1]
    assert "张明" in decision and "举报其违规拨付资金" in decision and "同意澄清" in decision
    letter = texts(via, "intake", run.case_id, kinds["clarification_letter"])[1]
    assert "经核查，举报不实。" in letter and "2026年5月10日" in letter and "澄清方式：书面澄清" in letter


def test_departures_from_the_decision_table_print_their_reasons(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)
    run.do("investigator", "outcome_proposal", {"proposed_outcome": "MITIGATE", "rectification_measures": "完善制度",
                                                "override_reason": "后果较原认定严重"})
    run.convene(ALL_MEMBERS, motion="MITIGATE", reason="造成的损失较大，宜从轻处理")
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("MITIGATE", rectification=False, reason="造成的损失较大，宜从轻处理")
    kinds = by_kind(documents(via, "chair", run.case_id))
    minutes = texts(via, "chair", run.case_id, kinds["meeting_minutes"])[1]
    assert "后果较原认定严重" in minutes and "造成的损失较大，宜从轻处理" in minutes and "从轻或减轻处理" in minutes
    letter = texts(via, "chair", run.case_id, kinds["ruling_letter"])[1]
    assert "不同于建议结论的理由" in letter and "造成的损失较大，宜从轻处理" in letter



def test_the_minutes_and_the_clarification_decision_stay_with_their_readers(via: Transport) -> None:
    run = apply(via)
    close_exempt_without_appeal(run, {**LOOKS_EXEMPT, "report_false": True})
    run.do("intake", "register_clarification", {
        "cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
        "report_summary": "举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
        "re_reported": False, "harm_scope": "public"})
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    minutes = by_kind(documents(via, "chair", run.case_id))["meeting_minutes"]
    decision = by_kind(documents(via, "intake", run.case_id))["clarification_decision"]
    listed = by_kind(documents(via, "applicant", run.case_id))
    assert "meeting_minutes" not in listed and "clarification_decision" not in listed
    for doc in (minutes, decision):
        with pytest.raises(NotFound):
            download(via, "applicant", run.case_id, doc["id"], "pdf")
    with pytest.raises(NotFound):
        download(via, "intake", run.case_id, minutes["id"], "docx")  # intake is not of the committee's readers
    download(via, "chair", run.case_id, minutes["id"], "pdf")
    with via.ctx.sessions() as session:
        reads = [(a.username, a.kinds, a.channel) for a in session.scalars(
            select(AccessLog).where(AccessLog.case_id == run.case_id, AccessLog.channel == "document"))]
    assert reads == [("chair", ["deliberation"], "document")]
