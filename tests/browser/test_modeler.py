"""A process owner edits the shipped procedure in the modeler: a time limit, a missing form found and fixed, deployed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library, versions
from engine.persistence.models import Case
from engine.procedure import services
from tests.support.browser_ui import screenshot, sign_in
from tests.support.driver import APPLICATION


def select_element(page: Page, element_id: str) -> None:
    """Click an element of the diagram so that the panel shows it."""
    page.locator(f'#modeler .djs-element[data-element-id="{element_id}"]').first.click()
    expect(page.locator("#panel h2")).not_to_have_text("请选择一个元素")


def panel_field(page: Page, label: str) -> object:
    """The panel's control labelled `label`."""
    return page.locator("#panel").get_by_label(label, exact=True)


def save(page: Page) -> None:
    """Save and wait for the answer."""
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")


def test_edit_validate_fix_and_deploy_in_the_modeler(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    before = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "延长受理时限", from_deployment=newest)

    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}/model/rcjc_acceptance.bpmn")
    expect(page.locator('#modeler[data-rendered="true"]')).to_have_count(1)
    labels = page.locator(".djs-palette [aria-label]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "创建任务" in labels, labels  # the modeler speaks Chinese

    select_element(page, "acceptance_review")
    page.locator("[data-testid=bpmn-properties] summary").click()  # bpmn-js's own properties panel, beside rcjc's
    expect(page.locator("#properties .bio-properties-panel-header")).to_contain_text("受理审查")
    panel_field(page, "办理时限").select_option("pre_check")  # type: ignore[attr-defined]
    panel_field(page, "表单").select_option("")  # type: ignore[attr-defined]
    save(page)
    missing_form = "acceptance_review：用户任务“受理审查”没有指定表单"
    expect(page.locator("[data-testid=modeler-problems] li")).to_contain_text([missing_form])
    expect(page.locator('#modeler .djs-element.rcjc-problem[data-element-id="acceptance_review"]')).to_have_count(1)
    screenshot(page, "modeler")

    panel_field(page, "表单").select_option("acceptance_review")  # type: ignore[attr-defined]
    save(page)
    expect(page.locator("[data-testid=modeler-problems] li")).to_have_count(0)

    # Triage gets another time limit, and with one click its reminder and escalation timers follow it.
    page.goto(f"/library/drafts/{draft_id}/model/rcjc_triage.bpmn")
    expect(page.locator('#modeler[data-rendered="true"]')).to_have_count(1)
    select_element(page, "triage")
    panel_field(page, "办理时限").select_option("feedback")  # type: ignore[attr-defined]
    page.locator("#add-notices").click()
    save(page)
    expect(page.locator("[data-testid=modeler-problems] li")).to_have_count(0)

    # A form label is changed in the form editor.
    page.goto(f"/library/drafts/{draft_id}/form/acceptance_review.json")
    expect(page.locator('#editor[data-rendered="true"]')).to_have_count(1)
    page.locator(".fjs-form-field", has_text="受理结论").first.click()
    page.locator(".bio-properties-panel-group-header", has_text="常规").click()
    page.locator("#bio-properties-panel-label").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("受理结论（三选一）")
    expect(page.locator(".fjs-form-field", has_text="受理结论（三选一）")).to_have_count(1)
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")

    page.goto(f"/library/drafts/{draft_id}?file=rcjc_acceptance.bpmn")
    expect(page.locator("[data-testid=valid]")).to_be_visible()
    # Side by side with the deployed version: the edited task is marked changed in both diagrams.
    expect(page.locator('.diagram[data-rendered="true"]')).to_have_count(2)
    for side in ("old-diagram", "new-diagram"):
        changed = page.locator(f'[data-testid={side}] .djs-element.rcjc-changed[data-element-id="acceptance_review"]')
        expect(changed).to_have_count(1)
    screenshot(page, "library-diff")
    rows = page.locator("[data-testid=changes] tbody tr").all_inner_texts()
    # Only what was edited shows as changed, although the modeler rewrote the whole files.
    changed = sorted(row.split("\t")[1].split()[-1] for row in rows)
    assert [c for c in changed if not c.startswith(("Event_", "Flow_"))] == [
        "acceptance_review", "acceptance_review.json", "triage", "triage_escalation", "triage_reminder"], rows
    page.get_by_role("button", name="部署为新版本").click()
    expect(page.locator("main .flash").first).to_contain_text(re.compile(r"已部署为新版本：.*rcjc_acceptance v2.*rcjc_triage v2"))

    after = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    with deployed.sessions() as s:
        assert s.get(Case, before).process_version.version == 1  # type: ignore[union-attr]
        assert s.get(Case, after).process_version.version == 2  # type: ignore[union-attr]
        bundle = deployed.bundle_of_version(s, s.get(Case, after).process_version_id)  # type: ignore[union-attr]
    spec = bundle.specs["rcjc_acceptance"].task_specs["acceptance_review"]
    assert spec.extensions["properties"]["limit"] == "pre_check" and spec.extensions["properties"]["form"] == "acceptance_review"
    assert "受理结论（三选一）" in [f.label for f in bundle.form("acceptance_review").fields]
    triage = bundle.specs["rcjc_triage"]
    assert triage.task_specs["triage"].extensions["properties"]["limit"] == "feedback"
    notices = sorted((t.extensions.get("properties", {}).get("notify", ""), t.event_definition.expression)
                     for t in triage.task_specs.values() if type(t).__name__ == "BoundaryEvent")
    # The timers the task had are moved to the new limit, not doubled.
    assert notices == [("escalation", 'deadline("feedback")'), ("reminder", 'remind_at(deadline("feedback"))')]
