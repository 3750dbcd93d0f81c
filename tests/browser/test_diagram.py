"""The case page draws the procedure with bpmn-js and marks the steps done and the step under way."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import screenshot, sign_in
from tests.support.driver import apply
from tests.support.transports import ServiceTransport


def test_the_diagram_marks_active_and_completed_elements(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    run = apply(ServiceTransport(deployed, people))
    run.accept()
    run.triage("ordinary")
    sign_in(page, "supervisor")
    page.goto(f"/cases/{run.case_id}")
    holder = page.locator("#diagram")
    expect(page.locator('#diagram[data-rendered="true"]')).to_have_count(1)
    expect(holder.locator("svg").first).to_be_visible()

    marks = json.loads(holder.get_attribute("data-marks") or "{}")
    active, completed = marks["rcjc-active"], marks["rcjc-completed"]
    assert "call_investigation" in active
    assert {"call_acceptance", "call_triage"} <= set(completed)
    drawn = set(holder.locator(".djs-element[data-element-id]").evaluate_all("els => els.map(e => e.dataset.elementId)"))
    marked_active = set(holder.locator(".djs-element.rcjc-active").evaluate_all("els => els.map(e => e.dataset.elementId)"))
    marked_done = set(holder.locator(".djs-element.rcjc-completed").evaluate_all("els => els.map(e => e.dataset.elementId)"))
    # The top-level diagram shows the call under way; steps inside the called process are not drawn here.
    assert marked_active == set(active) & drawn
    assert "call_investigation" in marked_active
    assert marked_done == (set(completed) - set(active)) & drawn
    assert {"call_acceptance", "call_triage"} <= marked_done
    expect(holder.locator('.djs-element[data-element-id="call_investigation"]')).to_have_class(re.compile(r"\brcjc-active\b"))
    screenshot(page, "case")
