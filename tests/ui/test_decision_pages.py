"""The case page shows each decided outcome in words beside the reason for departing from the decision table."""

from __future__ import annotations

import re

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, apply
from tests.support.pages import new_browser
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport

PROPOSAL_REASON = "资金延期拨付造成的影响较调查前认定更大"
RULING_REASON = "裁定会议认为影响较大，宜从轻处理"


def test_departures_are_shown_with_their_reasons(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)
    run.do("investigator", "outcome_proposal", {"proposed_outcome": "MITIGATE", "rectification_measures": "完善制度",
                                                "override_reason": PROPOSAL_REASON})
    run.convene(ALL_MEMBERS, reason=RULING_REASON)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("MITIGATE", rectification=False, reason=RULING_REASON)

    for reader in ("chair", "applicant"):
        html = new_browser(app, reader).get(f"/cases/{run.case_id}").get_data(as_text=True)
        decisions = re.search(r'data-testid="decisions">(.*?)</section>', html, re.S)
        assert decisions, reader
        text = re.sub(r"<[^>]+>", " ", decisions.group(1))
        assert "六看研判建议结论" in text and "容错免责（不予/免予追究）" in text
        assert "调查建议结论" in text and PROPOSAL_REASON in text
        assert "裁定结论" in text and RULING_REASON in text and "从轻或减轻处理" in text
        assert "MITIGATE" not in html and "EXEMPT" not in text
    other = new_browser(app, "other_applicant").get(f"/cases/{run.case_id}")
    assert other.status_code in (403, 404) and PROPOSAL_REASON not in other.get_data(as_text=True)
