"""The ordinary procedure end to end: outcomes, quorum, majority, recusal, appeal, rectification."""

from __future__ import annotations

import pytest

from engine.access import users
from engine.access.policy import Actor
from engine.errors import Forbidden, FormInvalid
from engine.persistence import audit
from engine.persistence.uow import UnitOfWork
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, LOOKS_MITIGATE, LOOKS_NOT_TOLERATED, apply, to_ruling_meeting
from tests.support.transports import Transport


@pytest.mark.parametrize(
    ("looks", "outcome"),
    [(LOOKS_EXEMPT, "EXEMPT"), (LOOKS_MITIGATE, "MITIGATE"), (LOOKS_NOT_TOLERATED, "NOT_TOLERATED")],
    ids=["exempt", "mitigate", "not-tolerated"],
)
def test_each_outcome_from_application_to_closed_rectification(
    via: Transport, looks: dict[str, object], outcome: str
) -> None:
    run = apply(via)
    to_ruling_meeting(run, looks, outcome)
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "disagree"})
    run.issue_ruling(outcome, rectification=True)
    run.feedback()
    # Only an exempted cadre gets the result-application notice (不作负面评价) from the organization department.
    if outcome == "EXEMPT":
        run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    # The ruling is in force during the appeal window: its rectification is supervised meanwhile.
    assert run.open_ids() == ["decide_appeal", "report_rectification"]
    run.no_appeal()
    run.rectify(accepted=False)
    assert run.open_ids() == ["report_rectification"]
    run.rectify(accepted=True)
    case = run.case()
    assert (case.status, case.closure, case.outcome) == ("completed", "completed", outcome)
    with via.ctx.sessions() as s:
        assert audit.verify(s, run.case_id)[0].ok


def test_no_quorum_then_no_majority_then_a_ruling(via: Transport) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(["committee1"])  # 1 of 3 is below the 2/3 quorum: the meeting is held again
    assert run.open_ids() == ["convene_meeting"]
    run.convene(["committee1", "committee2"])
    run.vote({"committee1": "agree", "committee2": "defer"})  # 1 of 3 is no majority
    assert run.open_ids() == ["convene_meeting"]
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "recuse"})
    assert run.open_ids() == ["issue_ruling"]


def test_the_investigator_may_not_vote_on_the_case(via: Transport) -> None:
    with UnitOfWork(via.ctx.sessions, via.ctx.clock) as uow:
        users.create_user(uow.session, "dual", "Lantern-Meadow-2718", ["investigator", "committee"], uow.now)
        uow.commit()
    via.people["dual"] = Actor("dual", frozenset({"investigator", "committee"}))
    run = apply(via)
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT, who="dual")
    run.propose("EXEMPT")
    # 回避: the member who investigated is not offered as an attendee and cannot vote.
    with pytest.raises(FormInvalid) as caught:
        run.convene(ALL_MEMBERS + ["dual"])
    assert "attendees" in caught.value.fields
    run.convene(ALL_MEMBERS)
    vote = run.task("cast_vote", "committee1")
    with pytest.raises(Forbidden):
        via.complete("dual", vote.id, {"vote": "agree"})


def test_appeal_upheld_and_appeal_changed(via: Transport) -> None:
    for result in ("upheld", "changed"):
        run = apply(via, matter=f"申诉测试事项 {result}")
        to_ruling_meeting(run, LOOKS_MITIGATE, "MITIGATE")
        run.convene(ALL_MEMBERS)
        run.vote({m: "agree" for m in ALL_MEMBERS})
        run.issue_ruling("MITIGATE", rectification=False)
        run.feedback()
        run.do("applicant", "decide_appeal", {"appeal": True, "appeal_reason": "认为应当免责"})
        # The appeal is reviewed by someone who did not handle the case.
        with pytest.raises(Forbidden):
            run.do("investigator", "review_appeal", {"appeal_result": "upheld", "review_reason": "x"})
        review = {"appeal_result": result, "review_reason": "复核意见"}
        if result == "changed":
            review |= {"new_outcome": "EXEMPT", "new_rectification": "none"}
        run.do("reviewer", "review_appeal", review)
        if result == "changed":
            assert run.open_ids() == ["send_feedback"]  # a change goes back through feedback
            run.feedback()
            run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
        case = run.case()
        assert case.status == "completed"
        assert case.outcome == ("EXEMPT" if result == "changed" else "MITIGATE")
