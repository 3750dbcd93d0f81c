"""A refused task form comes back with each message beside its field and the input as typed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import claim_from_inbox, complete, entry_form, field_errors, fill_form, sign_in
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.transports import ServiceTransport


def test_a_refused_form_shows_messages_beside_the_fields_and_keeps_the_input(
    deployed: EngineContext, people: dict[str, Actor], page: Page
) -> None:
    run = apply(ServiceTransport(deployed, people))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    task = run.task("convene_meeting")
    sign_in(page, "chair")
    claim_from_inbox(page, task.id)
    form = entry_form(page)
    date = form.locator('[name="meeting_date"]')
    # A browser without a date picker lets any text through.
    date.evaluate("input => { input.type = 'text'; }")
    fill_form(page, {"meeting_date": "2026年4月20日", "meeting_place": "区委第三会议室", "attendees": []})
    with page.expect_navigation():
        page.locator("button[name=action][value=complete]").click()

    expect(page).to_have_url(re.compile(f"/tasks/{task.id}$"))
    expect(page.locator("main .flash.error")).to_be_visible()
    errors = field_errors(page)
    assert set(errors) == {"meeting_date", "attendees"}, errors
    assert all(messages and all(messages) for messages in errors.values()), errors
    # Each message sits in its field's box and is what the input points screen readers to.
    for key in ("meeting_date", "attendees"):
        box = form.locator(".has-error").filter(has=page.locator(f'[name="{key}"]'))
        expect(box.locator(".field-error")).to_have_count(1)
    message_id = form.locator(".has-error .field-error").first.get_attribute("id")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_attribute("aria-describedby", re.compile(rf"\b{message_id}\b"))
    # What was typed is still there, the refused date included.
    expect(date).to_have_value("2026年4月20日")
    expect(form.locator('[name="meeting_place"]')).to_have_value("区委第三会议室")
    expect(form.locator('[name="attendees"]:checked')).to_have_count(0)
    assert run.open_ids() == ["convene_meeting"]

    fill_form(page, {"meeting_date": "2026-04-20", "attendees": ALL_MEMBERS})
    assert complete(page) == run.case_id
    assert run.open_ids() == ["cast_vote"] * 3
    assert run.data()["meeting_place"] == "区委第三会议室"


def test_a_checkbox_sits_beside_its_label_and_options_read_as_plain_text(
    deployed: EngineContext, people: dict[str, Actor], page: Page
) -> None:
    run = apply(ServiceTransport(deployed, people))
    sign_in(page, "intake")
    claim_from_inbox(page, run.task("acceptance_review").id)
    form = entry_form(page)
    box = form.locator('[name="jurisdiction_ok"]').bounding_box()
    label = form.locator('label[for="field-jurisdiction_ok"]').bounding_box()
    assert box is not None and label is not None
    assert box["x"] + box["width"] <= label["x"] < box["x"] + box["width"] + 20, (box, label)
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < label["height"] / 2, (box, label)
    # The question is bold; its options are not.
    legend, option = form.locator("fieldset.field-radio legend").first, form.locator(".option label").first
    assert legend.evaluate("e => getComputedStyle(e).fontWeight") == "600"
    assert option.evaluate("e => getComputedStyle(e).fontWeight") == "400"
