"""The case page draws the procedure with bpmn-js: fitted to the step under way, zoomed and dragged with the
mouse, call activities opened into the process they call (of the case's own version) and back up, lanes named by
group. No console errors."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Locator, Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.groups import GROUP_LABELS
from tests.support.browser_ui import screenshot, screenshot_of, sign_in, watch_console
from tests.support.driver import apply
from tests.support.transports import ServiceTransport

RENDERED = '#diagram[data-rendered="true"]'


def ids(holder: Locator, selector: str) -> set[str]:
    """The BPMN ids of the drawn elements that match `selector`."""
    return set(holder.locator(selector).evaluate_all("els => els.map(e => e.dataset.elementId)"))


def scale(holder: Locator) -> float:
    """The zoom of the drawn diagram (1 is the BPMN's own size)."""
    return float(holder.locator(".viewport").evaluate("v => v.getCTM().a"))


def box(holder: Locator, element_id: str) -> dict[str, float]:
    """Where an element is drawn in the page."""
    found = holder.locator(f'.djs-element[data-element-id="{element_id}"]').bounding_box()
    assert found is not None
    return found


def test_the_diagram_marks_active_and_completed_elements(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    errors = watch_console(page)
    run = apply(ServiceTransport(deployed, people))
    run.accept()
    run.triage("ordinary")
    sign_in(page, "supervisor")
    page.goto(f"/cases/{run.case_id}")
    holder = page.locator("#diagram")
    expect(page.locator(RENDERED)).to_have_count(1)
    expect(holder.locator("svg").first).to_be_visible()

    marks = json.loads(holder.get_attribute("data-marks") or "{}")
    active, completed = marks["rcjc-active"], marks["rcjc-completed"]
    assert "call_investigation" in active
    assert {"call_acceptance", "call_triage"} <= set(completed)
    drawn = ids(holder, ".djs-element[data-element-id]")
    assert ids(holder, ".djs-element.rcjc-active") == set(active) & drawn
    assert ids(holder, ".djs-element.rcjc-completed") == set(completed) & drawn
    # Steps inside called processes are not marked on the top process, even where an id is the same.
    assert "acceptance_review" not in active + completed
    expect(holder.locator('.djs-element[data-element-id="call_investigation"]')).to_have_class(re.compile(r"\brcjc-active\b"))

    # Opened fitted to the step under way: it is in view, drawn larger than the whole diagram would be.
    view = holder.bounding_box()
    assert view is not None
    step = box(holder, "call_investigation")
    assert view["x"] <= step["x"] and step["x"] + step["width"] <= view["x"] + view["width"]
    assert view["y"] <= step["y"] and step["y"] + step["height"] <= view["y"] + view["height"]
    close_up = scale(holder)
    page.get_by_role("button", name="全图").click()
    whole = scale(holder)
    assert whole < close_up
    page.get_by_role("button", name="放大", exact=True).click()
    assert scale(holder) > whole
    page.get_by_role("button", name="缩小", exact=True).click()
    page.get_by_role("button", name="缩小", exact=True).click()
    assert scale(holder) < whole
    assert page.get_by_role("button", name="放大", exact=True).get_attribute("title") == "放大"

    # Dragging the canvas moves the diagram.
    holder.scroll_into_view_if_needed()
    view = holder.bounding_box()
    assert view is not None
    before = box(holder, "call_investigation")
    page.mouse.move(view["x"] + 12, view["y"] + view["height"] - 12)
    page.mouse.down()
    page.mouse.move(view["x"] + 112, view["y"] + view["height"] - 52, steps=5)
    page.mouse.up()
    after = box(holder, "call_investigation")
    assert round(after["x"] - before["x"]) == 100 and round(after["y"] - before["y"]) == -40

    # Lanes show the group's name, never its key.
    lane_text = holder.locator('.djs-element[data-element-id^="Lane_"] .djs-visual text').all_text_contents()
    assert GROUP_LABELS["intake"] in lane_text and GROUP_LABELS["investigator"] in lane_text
    assert not set(lane_text) & set(GROUP_LABELS)
    screenshot(page, "case")
    assert errors == []


def test_a_call_activity_opens_the_process_it_calls_and_leads_back(deployed: EngineContext, people: dict[str, Actor],
                                                                    page: Page) -> None:
    errors = watch_console(page)
    run = apply(ServiceTransport(deployed, people))
    run.accept()
    run.triage("ordinary")
    sign_in(page, "supervisor")
    page.goto(f"/cases/{run.case_id}")
    holder = page.locator("#diagram")
    expect(page.locator(RENDERED)).to_have_count(1)
    trail = page.get_by_test_id("diagram-trail")
    up = page.get_by_test_id("diagram-up")
    expect(up).to_be_hidden()

    # A finished call: its steps are all done, none under way.
    page.get_by_role("button", name="全图").click()
    holder.locator('[data-drill-down="call_acceptance"]').click()
    expect(holder).to_have_attribute("data-process", "rcjc_acceptance")
    expect(page.locator(RENDERED)).to_have_count(1)
    expect(trail).to_contain_text("受理审查")
    assert "acceptance_review" in ids(holder, ".djs-element.rcjc-completed")
    assert ids(holder, ".djs-element.rcjc-active") == set()
    assert "call_acceptance" not in ids(holder, ".djs-element[data-element-id]")
    up.click()
    expect(holder).to_have_attribute("data-process", "rcjc_case")
    expect(page.locator(RENDERED)).to_have_count(1)
    expect(up).to_be_hidden()

    # The call under way, opened by clicking it: its step under way is marked and in view.
    holder.locator('.djs-element[data-element-id="call_investigation"]').click()
    expect(holder).to_have_attribute("data-process", "rcjc_investigation")
    expect(page.locator(RENDERED)).to_have_count(1)
    marks = json.loads(holder.get_attribute("data-marks") or "{}")
    active = ids(holder, ".djs-element.rcjc-active")
    assert active and active == set(marks["rcjc-active"]) & ids(holder, ".djs-element[data-element-id]")
    expect(trail.get_by_role("button")).to_have_count(1)
    expect(trail.locator("[aria-current]")).to_have_count(1)
    lane_text = holder.locator('.djs-element[data-element-id^="Lane_"] .djs-visual text').all_text_contents()
    assert lane_text and not set(lane_text) & set(GROUP_LABELS)
    screenshot_of(page.locator("[data-diagram-card]"), "case-diagram-drilldown")
    trail.get_by_role("button").click()  # the trail leads back up as well
    expect(holder).to_have_attribute("data-process", "rcjc_case")
    expect(page.locator(RENDERED)).to_have_count(1)
    assert "call_investigation" in ids(holder, ".djs-element.rcjc-active")
    assert errors == []


def test_a_finished_case_opens_on_the_whole_diagram(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    errors = watch_console(page)
    run = apply(ServiceTransport(deployed, people))
    run.do("intake", "acceptance_review", {"jurisdiction_ok": False, "materials_complete": True,
                                           "acceptance": "refuse", "acceptance_reason": "不属于本区管辖"})
    assert run.case().status == "completed"
    sign_in(page, "supervisor")
    page.goto(f"/cases/{run.case_id}")
    expect(page.locator(RENDERED)).to_have_count(1)
    holder = page.locator("#diagram")
    assert ids(holder, ".djs-element.rcjc-active") == set()
    assert "call_acceptance" in ids(holder, ".djs-element.rcjc-completed")
    opened = scale(holder)
    page.get_by_role("button", name="放大", exact=True).click()
    page.get_by_role("button", name="全图").click()
    assert abs(scale(holder) - opened) < 0.001  # it opened on the whole diagram
    assert errors == []
