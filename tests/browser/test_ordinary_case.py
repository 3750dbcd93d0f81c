"""A whole ordinary case clicked through in the browser, each step by a person of the group that owns it."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import BrowserTransport, screenshot, sign_in
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, CaseRun
from webapp.ui.setup import STATUS_LABELS


def closed_label(app: Flask) -> str:
    """The label the case page shows for a closed case, in the language pages use by default."""
    with app.test_request_context("/"):
        return str(STATUS_LABELS["completed"])


def test_an_ordinary_case_from_application_to_verified_rectification(
    app: Flask, deployed: EngineContext, people: dict[str, Actor], page: Page
) -> None:
    via = BrowserTransport(deployed, people, page)
    via.shots = {"investigation": "task"}
    run = CaseRun(via, via.start("applicant", "rcjc_case", "application", APPLICATION))
    expect(page.locator("[data-testid=status]")).to_be_visible()

    sign_in(page, "intake")
    expect(page.locator(f'table[data-testid="queue"] a[href="/cases/{run.case_id}"]').first).to_be_visible()
    screenshot(page, "inbox")

    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_EXEMPT)
    assert run.data()["recommended_outcome"] == "EXEMPT"
    run.propose("EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "disagree"})
    run.issue_ruling("EXEMPT", rectification=True)
    run.feedback()
    run.do("orgdept", "apply_result", {"result_application_note": "不作负面评价", "no_negative_effect": True})
    assert run.open_ids() == ["decide_appeal", "report_rectification"]  # the ruling is in force during the appeal
    run.no_appeal()
    run.rectify(accepted=True)

    # The supervisor completed the last step and is on the case page now.
    assert page.url.endswith(f"/cases/{run.case_id}")
    expect(page.locator("[data-testid=status]")).to_have_text(closed_label(app))
    expect(page.locator(".holders li a")).to_have_count(0)  # nobody holds the case any more
    case = run.case()
    assert (case.status, case.closure, case.outcome) == ("completed", "completed", "EXEMPT")
