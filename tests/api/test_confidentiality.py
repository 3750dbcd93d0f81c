"""Confidential deliberation and informants: hidden from the applicant unit on every read path, and every read recorded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.access.disclosure import DELIBERATION, INFORMANTS
from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.client import ApiUser
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport

MINUTES = "纪要：三名委员一致同意免责"
COMMENT = "本人认为属于先行先试"
REPORT = {"cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "matter": "产业园区招商政策先行先试",
          "report_summary": "实名举报人王某举报其违规拨付资金", "report_finding": "false", "harm": ["selection"],
          "re_reported": False, "harm_scope": "public"}


def ruled(run: CaseRun, report_false: bool = False) -> None:
    """Through a ruling meeting with comments and minutes, feedback and filing: the applicant may appeal."""
    to_ruling_meeting(run, {**LOOKS_EXEMPT, "report_false": report_false}, "EXEMPT")
    run.convene(ALL_MEMBERS)
    for member in ALL_MEMBERS:
        run.do(member, "cast_vote", {"vote": "agree", "vote_comment": f"{COMMENT}（{member}）"}, per_person=True)
    run.do("chair", "issue_ruling", {"ruling_action": "issue", "ruling_facts": "经调查核实……",
                                     "ruling_basis": "依据容错纠错实施办法", "outcome": "EXEMPT", "minutes": MINUTES,
                                     "rectification_required": False})
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})


@pytest.fixture
def via(deployed: EngineContext, http: FlaskClient, people: dict[str, Actor]) -> HttpTransport:
    return HttpTransport(deployed, people, http, PASSWORD)


def text(body: Any) -> str:
    """A response body as one string, to search for what must not be in it."""
    return json.dumps(body, ensure_ascii=False)


def keys(value: Any) -> set[str]:
    """Every key of a JSON value, at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for inner in value.values() for k in keys(inner)}
    if isinstance(value, list):
        return {k for inner in value for k in keys(inner)}
    return set()


def test_the_applicant_unit_never_reads_the_deliberation(via: HttpTransport, users: dict[str, ApiUser]) -> None:
    run = apply(via)
    ruled(run)
    appeal = run.task("decide_appeal").id
    applicant = users["applicant"]
    bodies = {
        "case": applicant.get(f"/cases/{run.case_id}"),
        "audit": applicant.get(f"/cases/{run.case_id}/audit"),
        "task": applicant.get(f"/tasks/{appeal}"),
    }
    for where, body in bodies.items():
        found = keys(body) & DELIBERATION.fields
        assert not found, f"{where} shows {found}"
        for secret in [*ALL_MEMBERS, MINUTES, COMMENT]:
            assert secret not in text(body), f"{where} shows {secret}"
    votes = [h for h in bodies["case"]["history"] if h["name"] == "裁定表决"]
    assert len(votes) == 3 and all(h["by"] is None for h in votes)
    assert all(e["actor"] is None for e in bodies["audit"]["items"] if e["bpmn_id"] == "cast_vote")
    assert bodies["audit"]["chain_ok"]
    # The committee's own people and supervisors read all of it.
    supervisor = users["supervisor"].get(f"/cases/{run.case_id}")
    assert supervisor["data"]["attendees"] == ALL_MEMBERS and supervisor["data"]["minutes"] == MINUTES
    assert {h["by"] for h in supervisor["history"] if h["name"] == "裁定表决"} == set(ALL_MEMBERS)
    committee_trail = text(users["committee1"].get(f"/cases/{run.case_id}/audit"))
    assert COMMENT in committee_trail and "committee2" in committee_trail


def test_open_votes_do_not_name_the_members_to_the_applicant(via: HttpTransport, users: dict[str, ApiUser]) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    seen = users["applicant"].get(f"/cases/{run.case_id}")
    votes = [t for t in seen["open_tasks"] if t["bpmn_id"] == "cast_vote"]
    assert len(votes) == 3 and all(t["candidate"] is None for t in votes)
    assert not any(member in text(seen) for member in ALL_MEMBERS)
    assert {t["candidate"] for t in users["chair"].get(f"/cases/{run.case_id}")["open_tasks"]} == set(ALL_MEMBERS)


def test_the_cadres_unit_never_reads_who_reported_or_how_they_were_handled(
    via: HttpTransport, users: dict[str, ApiUser]
) -> None:
    run = apply(via)
    ruled(run, report_false=True)
    run.no_appeal()
    run.do("intake", "register_clarification", REPORT)
    run.do("intake", "consult_cadre", {"cadre_consent": "agree", "consent_note": "本人同意"})
    run.do("chair", "approve_clarification", {"clarification_approved": True, "approval_note": "同意澄清"})
    run.do("intake", "execute_clarification", {"clarification_forms": ["written"], "clarification_letter": "澄清函",
                                               "executed_date": "2026-05-10"})
    run.do("orgdept", "file_clarification", {"filed_date": "2026-05-11", "filed_note": "已备案"})
    run.do("intake", "handle_reporter", {"reporter_intent": "malicious", "handling_note": "移送处理王某"})
    run.do("intake", "refer_reporter", {"referral_target": "discipline", "referral_note": "移送纪检监察机关"})
    for name in ("applicant", "orgdept"):
        for body in (users[name].get(f"/cases/{run.case_id}"), users[name].get(f"/cases/{run.case_id}/audit")):
            assert not keys(body) & INFORMANTS.fields, name
            assert "王某" not in text(body), name
    intake_view = users["intake"].get(f"/cases/{run.case_id}")["data"]
    assert intake_view["reporter_intent"] == "malicious" and intake_view["referral_target"] == "discipline"


def test_every_read_of_confidential_data_is_recorded_for_supervisors(
    via: HttpTransport, users: dict[str, ApiUser]
) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    vote = run.task("cast_vote", "committee2").id
    before = users["supervisor"].get(f"/cases/{run.case_id}/access-log")["items"]
    users["applicant"].get(f"/cases/{run.case_id}")
    users["applicant"].get(f"/cases/{run.case_id}/audit")
    users["committee2"].get(f"/tasks/{vote}")
    users["investigator"].get(f"/cases/{run.case_id}/audit")
    log = users["supervisor"].get(f"/cases/{run.case_id}/access-log")["items"]
    new = [(e["username"], e["channel"], e["kinds"]) for e in log[: len(log) - len(before)]]
    # Newest first; the applicant was shown nothing confidential, so nothing of theirs is recorded.
    assert new == [("investigator", "audit", ["deliberation"]), ("committee2", "task", ["deliberation"])]
    assert log[0]["labels"] == ["裁定会议审议情况"]
    assert any(e["username"] == "supervisor" and e["channel"] == "case" for e in log)  # the supervisor's own reads too
    users["applicant"].get(f"/cases/{run.case_id}/access-log", expect=403)
    users["other_applicant"].get(f"/cases/{run.case_id}/access-log", expect=404)
    users["committee1"].get(f"/cases/{run.case_id}/access-log", expect=403)
