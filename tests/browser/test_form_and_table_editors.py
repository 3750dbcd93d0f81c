"""Process owners edit a form's label in the form-js editor and open a decision table in the DMN editor."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library, versions
from tests.support.browser_ui import sign_in


def draft_of_shipped(deployed: EngineContext, people: dict[str, Actor]) -> int:
    """A draft copied from the shipped procedure."""
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    return process_library.create_draft(deployed, people["owner"], "改表单", from_deployment=newest)[0]


def test_a_form_label_is_changed_in_the_form_editor(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}/form/acceptance_review.json")
    expect(page.locator('#editor[data-rendered="true"]')).to_have_count(1)
    page.locator(".fjs-form-field", has_text="受理结论").first.click()
    page.locator(".bio-properties-panel-group-header", has_text="常规").click()
    label = page.locator("#bio-properties-panel-label")  # an editable text box of the properties panel
    expect(label).to_have_text("受理结论")
    label.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("受理结论（三选一）")
    expect(page.locator(".fjs-form-field", has_text="受理结论（三选一）")).to_have_count(1)
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")
    expect(page.locator("[data-testid=editor-problems] li")).to_have_count(0)
    _, files = process_library.draft_files(deployed, draft_id)
    labels = [c.get("label") for c in json.loads(files["acceptance_review.json"])["components"]]
    assert "受理结论（三选一）" in labels and "受理结论" not in labels


def test_a_decision_table_opens_in_the_dmn_editor_and_saves(deployed: EngineContext, people: dict[str, Actor],
                                                            page: Page) -> None:
    draft_id = draft_of_shipped(deployed, people)
    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}/table/six_looks.dmn")
    expect(page.locator('#editor[data-rendered="true"]')).to_have_count(1)
    expect(page.locator(".tjs-table")).to_be_visible()
    assert page.locator(".tjs-table tbody tr").count() >= 3  # the six-looks rules, catch-all last
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")
    assert process_library.validate_draft(deployed, draft_id) == []  # what the editor writes back still deploys
