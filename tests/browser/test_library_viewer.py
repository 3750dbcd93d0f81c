"""Every MIWG reference model taken into a draft is drawn by the viewer, with deployment problems marked on it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library
from tests.support.browser_ui import screenshot, sign_in

MIWG = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn-miwg-reference"


def test_the_viewer_draws_every_accepted_reference_model(deployed: EngineContext, people: dict[str, Actor],
                                                         page: Page) -> None:
    drafts = []
    for path in sorted(MIWG.glob("*.bpmn")):
        draft_id, outcomes = process_library.create_draft(deployed, people["owner"], path.name, {path.name: path.read_bytes()})
        if outcomes[0].accepted:
            drafts.append((draft_id, path.name))
    assert len(drafts) >= 20
    sign_in(page, "owner")
    checked_marks = 0
    for draft_id, name in drafts:
        page.goto(f"/library/drafts/{draft_id}")
        expect(page.locator('.diagram[data-rendered="true"]'), name).to_have_count(1)
        assert page.locator(".diagram .djs-element").count() > 1, name
        named = set(page.locator('[data-testid="problems"] tbody code').all_inner_texts())
        drawn = set(page.locator(".diagram .djs-element[data-element-id]").evaluate_all(
            "els => els.map(e => e.dataset.elementId)"))
        marked = set(page.locator(".diagram .djs-element.rcjc-problem").evaluate_all(
            "els => els.map(e => e.dataset.elementId)"))
        assert marked == named & drawn, name  # each problem is marked on the element it concerns
        checked_marks += len(marked)
    assert checked_marks > 0  # some reference models have user tasks without forms, lanes that are no group…
    screenshot(page, "library-draft")
