"""The pages keep the committee's deliberation from the applicant unit, and show supervisors who read it."""

from __future__ import annotations

from flask import Flask

from engine.access.disclosure import access_log
from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.pages import new_browser
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport

MINUTES = "纪要：三名委员一致同意免责"
COMMENT = "本人认为属于先行先试"


def at_appeal(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> CaseRun:
    """A case ruled by the committee, with vote comments and minutes, waiting for the applicant's appeal decision."""
    via = HttpTransport(deployed, people, app.test_client(), PASSWORD)
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    for member in ALL_MEMBERS:
        run.do(member, "cast_vote", {"vote": "agree", "vote_comment": COMMENT}, per_person=True)
    run.do("chair", "issue_ruling", {"ruling_action": "issue", "ruling_facts": "经调查核实……",
                                     "ruling_basis": "依据容错纠错实施办法", "outcome": "EXEMPT", "minutes": MINUTES,
                                     "rectification_required": False})
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    return run


def test_the_applicants_pages_show_neither_votes_nor_members(app: Flask, deployed: EngineContext,
                                                             people: dict[str, Actor]) -> None:
    run = at_appeal(app, deployed, people)
    applicant = new_browser(app, "applicant")
    pages = {"case": applicant.get(f"/cases/{run.case_id}"), "task": applicant.get(f"/tasks/{run.task('decide_appeal').id}")}
    for where, page in pages.items():
        assert page.status_code == 200, where
        html = page.get_data(as_text=True)
        for secret in [*ALL_MEMBERS, MINUTES, COMMENT]:
            assert secret not in html, f"the {where} page shows {secret}"
    assert "查阅留痕" not in pages["case"].get_data(as_text=True)  # the access log is for supervisors
    chair_page = new_browser(app, "chair").get(f"/cases/{run.case_id}").get_data(as_text=True)
    assert "committee2" in chair_page


def test_supervisors_see_who_read_the_deliberation(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = at_appeal(app, deployed, people)
    new_browser(app, "committee3").get(f"/cases/{run.case_id}")
    with deployed.sessions() as session:
        reads = [(e.username, e.channel) for e in access_log(session, people["supervisor"], run.case_id)]
    assert reads.count(("committee3", "case")) == 1  # the page with its audit trail is one read, recorded once
    page = new_browser(app, "supervisor").get(f"/cases/{run.case_id}").get_data(as_text=True)
    log = page[page.index('data-testid="access-log"'):]
    assert "查阅留痕" in page and "committee3" in log and "裁定会议审议情况" in log and "案件页面" in log


def test_another_units_appeal_cannot_be_waived_through_the_pages(app: Flask, deployed: EngineContext,
                                                                 people: dict[str, Actor]) -> None:
    run = at_appeal(app, deployed, people)
    appeal = run.task("decide_appeal").id
    other = new_browser(app, "other_applicant")
    assert other.get(f"/tasks/{appeal}").status_code == 404
    other.get("/inbox")
    assert other.post(f"/tasks/{appeal}", {"action": "complete", "appeal": "false"}).status_code == 404
    assert run.open_ids() == ["decide_appeal"]
