"""A ruling is the vote's: the chair issues what the majority carried or sends the motion back to a new vote,
and every departure from the decision table is reasoned."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from engine.errors import FormInvalid
from engine.persistence.models import User
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, LOOKS_MITIGATE, CaseRun, apply, to_ruling_meeting
from tests.support.transports import Transport

SHANGHAI = ZoneInfo("Asia/Shanghai")


def refused_fields(run: CaseRun, who: str, bpmn_id: str, data: dict[str, object]) -> set[str]:
    """The fields named when the step is refused; the step stays open."""
    with pytest.raises(FormInvalid) as caught:
        run.do(who, bpmn_id, data)
    assert bpmn_id in run.open_ids()
    return set(caught.value.fields)


def test_the_chair_cannot_issue_what_the_vote_did_not_carry(via: Transport) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "disagree"})
    data = run.data()
    assert (data["carried_outcome"], data["tally"]) == ("EXEMPT", {"agree": 2, "disagree": 1, "defer": 0, "recuse": 0})
    assert [(b["member"], b["vote"]) for b in data["votes"]] == [
        ("committee1", "agree"), ("committee2", "agree"), ("committee3", "disagree")]

    letter = {"ruling_action": "issue", "ruling_facts": "经调查核实……", "ruling_basis": "依据实施办法", "minutes": "纪要",
              "outcome": "MITIGATE", "ruling_override_reason": "主任认为应从轻", "rectification_required": False}
    assert refused_fields(run, "chair", "issue_ruling", letter) == {"outcome"}

    # To rule otherwise the chair sends the matter back to a new vote, with a reason.
    assert refused_fields(run, "chair", "issue_ruling", {"ruling_action": "new_round"}) == {"new_round_reason"}
    run.do("chair", "issue_ruling", {"ruling_action": "new_round", "new_round_reason": "损失情况有新材料，需重新表决"})
    assert run.open_ids() == ["convene_meeting"]
    assert "outcome" not in run.data() or run.data()["outcome"] is None
    assert run.case().outcome is None

    # A motion departing from the decision table needs its reason, and so does the ruling that follows it.
    with pytest.raises(FormInvalid) as caught:
        run.convene(ALL_MEMBERS, motion="MITIGATE")
    assert set(caught.value.fields) == {"motion_reason"}
    run.convene(ALL_MEMBERS, motion="MITIGATE", reason="造成的损失较大，宜从轻处理")
    run.vote({m: "agree" for m in ALL_MEMBERS})
    # The motion's reason is offered as the ruling's; a chair who clears it is asked for one.
    assert run.data()["ruling_override_reason"] == "造成的损失较大，宜从轻处理"
    assert refused_fields(run, "chair", "issue_ruling", {**letter, "ruling_override_reason": ""}) == {
        "ruling_override_reason"}
    run.issue_ruling("MITIGATE", rectification=False, reason="造成的损失较大，宜从轻处理")
    assert run.case().outcome == "MITIGATE"

    data = run.data()
    assert [entry.get("round") for entry in data["meeting_history"]] == [1, 1, 2]
    assert data["meeting_history"][1]["returned"] is True


def test_the_minutes_name_attendees_recusals_and_each_vote(via: Transport) -> None:
    names = {"committee1": "张立", "committee2": "王芳", "committee3": "李强"}
    with via.ctx.sessions() as session, session.begin():
        for login, name in names.items():
            session.execute(update(User).where(User.username == login).values(display_name=name))
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(["committee1", "committee2"])
    run.vote({"committee1": "agree", "committee2": "defer"})  # 1 of 3 members: not carried
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "recuse"})
    minutes = run.data()["minutes"]
    first, second = minutes.splitlines()
    assert "应到委员 3 人，实到 2 人（张立、王芳）" in first and "同意 1 票（张立）" in first and "缓议 1 票（王芳）" in first
    assert "动议未获通过" in first
    assert "回避：李强" in second and "同意 2 票（张立、王芳）" in second and "动议获得通过" in second
    # Members appear by name, never by login; the motion by its words.
    assert "committee" not in minutes and "表决动议：容错免责" in minutes


def test_a_rectification_ruled_needs_requirements_and_a_deadline(via: Transport) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_MITIGATE, "MITIGATE")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    letter = {"ruling_action": "issue", "ruling_facts": "经调查核实……", "ruling_basis": "依据实施办法", "minutes": "纪要",
              "outcome": "MITIGATE", "rectification_required": True}
    assert refused_fields(run, "chair", "issue_ruling", letter) == {"rectification_requirements", "rectification_deadline"}
    run.issue_ruling("MITIGATE", rectification=True)
    assert run.data()["rectification_deadline"] == "2026-06-30"


def test_an_outcome_proposal_departing_from_the_table_needs_a_reason(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)
    proposal = {"proposed_outcome": "MITIGATE", "rectification_measures": "完善制度"}
    assert refused_fields(run, "investigator", "outcome_proposal", proposal) == {"override_reason"}
    run.do("investigator", "outcome_proposal", {**proposal, "override_reason": "后果较原认定严重"})
    assert run.data()["override_reason"] == "后果较原认定严重"
    # The chair's motion starts from the investigator's proposal.
    assert run.data()["motion"] == "MITIGATE"


def test_a_simple_ruling_departing_from_the_table_is_reasoned_and_its_rectification_complete(via: Transport) -> None:
    run = apply(via)
    run.accept()
    run.triage("simple")
    run.do("investigator", "simple_review", {"facts_disputed": False, **LOOKS_EXEMPT, "review_note": "事实清楚"})
    ruling = {"outcome": "MITIGATE", "ruling_basis": "简易程序裁定", "rectification_required": True}
    assert refused_fields(run, "chair", "simple_ruling", ruling) == {
        "ruling_override_reason", "rectification_requirements", "rectification_deadline"}
    run.do("chair", "simple_ruling", {**ruling, "ruling_override_reason": "资金延期拨付影响较大",
                                      "rectification_requirements": "健全审批制度", "rectification_deadline": "2026-06-30"})
    assert run.data()["ruling_override_reason"] == "资金延期拨付影响较大"
    assert run.case().outcome == "MITIGATE"


def test_the_ruling_is_due_ten_working_days_after_the_report(via: Transport, clock: object) -> None:
    run = apply(via)
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)  # reported on Monday 2 March
    clock.advance(timedelta(days=2))  # type: ignore[attr-defined]  # the proposal is confirmed on Wednesday
    run.propose("EXEMPT")
    # Ten working days from the report: Monday 16 March, however long the proposal took.
    due = datetime(2026, 3, 16, 23, 59, 59, tzinfo=SHANGHAI)
    assert run.task("convene_meeting").due_at == due
    clock.advance(timedelta(days=6))  # type: ignore[attr-defined]  # the meeting on Tuesday 10 March
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    assert run.task("issue_ruling").due_at == due
