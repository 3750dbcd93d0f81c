"""What a person does in the browser: sign in, claim from the inbox, fill a form by field key, complete; screenshots."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Locator, Page, ViewportSize, expect
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import TaskIndex
from tests.support.people import PASSWORD
from tests.support.transports import OpenTask, ServiceTransport

# The system's Chromium (Debian's package), unless CHROMIUM names another; pages are shot at one window size.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS = ROOT / "docs" / "screenshots"
# The README's pictures are written when missing, and refreshed on request.
REFRESH_DOCS = os.environ.get("RCJC_REFRESH_SCREENSHOTS") == "1"
CASE_URL = re.compile(r"/cases/(\d+)$")


def sign_in(page: Page, username: str) -> None:
    """Sign out whoever is signed in, then sign in through the login form; ends on the person's start page (the inbox,
    or the library for a process owner)."""
    page.goto("/login")
    sign_out = page.locator('header form[action="/logout"] button')
    if sign_out.count():
        with page.expect_navigation():
            sign_out.click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/library$" if username == "owner" else r"/inbox$"))


def _token(value: Any) -> str:
    """A value as the form's HTML spells it (booleans as JSON does)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def entry_form(page: Page) -> Locator:
    """The form on the page that holds the rendered fields."""
    return page.locator("main form").filter(has=page.locator(".form-body"))


def fill_form(page: Page, values: Mapping[str, Any]) -> None:
    """Enter values by field key: text, number and date inputs, selects, radios, checkboxes and checklists."""
    form = entry_form(page)
    for key, value in values.items():
        widgets = form.locator(f'[name="{key}"]')
        first = widgets.first
        tag = first.evaluate("element => element.tagName.toLowerCase()")
        kind = first.get_attribute("type") or ""
        if tag == "select":
            first.select_option([_token(v) for v in value] if isinstance(value, list) else _token(value))
        elif kind == "radio":
            form.locator(f'[name="{key}"][value="{_token(value)}"]').check()
        elif kind == "checkbox" and isinstance(value, list):
            chosen = {_token(v) for v in value}
            for box in widgets.all():
                box.set_checked(box.get_attribute("value") in chosen)
        elif kind == "checkbox":
            first.set_checked(bool(value))
        else:
            first.fill(_token(value))


def field_errors(page: Page) -> dict[str, list[str]]:
    """The messages shown beside each field, by field key."""
    found: dict[str, list[str]] = {}
    for field in page.locator(".form-body .has-error").all():
        key = field.locator("[name]").first.get_attribute("name") or ""
        found[key] = [m.strip() for m in field.locator(".field-error").all_inner_texts()]
    return found


def complete(page: Page) -> int:
    """Click Complete; the case page follows on success (its id is returned), a refusal fails with the messages."""
    with page.expect_navigation():
        page.locator("button[name=action][value=complete]").click()
    found = CASE_URL.search(page.url.split("?")[0])
    if found is None:
        shown = page.locator(".flash.error, .form-errors").all_inner_texts()
        raise AssertionError(f"the form was refused at {page.url}: {shown} {field_errors(page)}")
    return int(found.group(1))


def claim_from_inbox(page: Page, task_id: str) -> None:
    """Claim the task from the group queue of the inbox; its page opens."""
    page.goto("/inbox")
    row = page.locator(f'table[data-testid="queue"] tr[data-task="{task_id}"]')
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"/tasks/{task_id}$"))
    expect(page.locator("button[name=action][value=complete]")).to_be_visible()


def screenshot(page: Page, name: str, full_page: bool = False) -> Path:
    """Save the visible (or the whole) page as test-artifacts/screenshots/<name>.png (and for the README under
    docs/screenshots)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full_page)
    target = DOCS / path.name
    if REFRESH_DOCS or not target.exists():
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def screenshot_of(part: Locator, name: str) -> Path:
    """Save one part of the page, like `screenshot` does the page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    part.scroll_into_view_if_needed()
    part.screenshot(path=str(path))
    target = DOCS / path.name
    if REFRESH_DOCS or not target.exists():
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return path


def watch_console(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of the page, as they happen."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} @ {message.location}")

    def on_error(error: Error) -> None:
        errors.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    return errors


def take_refusal_report(errors: list[str], url: str) -> None:
    """Chromium logs a page answered with 422 as a console error ("Failed to load resource"); a refused form is
    meant to answer so. Take out exactly that one report of `url`; anything else logged fails the test."""
    assert len(errors) == 1, errors
    assert errors[0].startswith("console: Failed to load resource: the server responded with a status of 422"), errors
    assert f"'url': '{url}'" in errors[0], errors
    errors.clear()


class BrowserTransport(ServiceTransport):
    """Every person acts in the browser (sign in, inbox, claim, form, Complete); the test reads state from the database."""

    name = "browser"

    def __init__(self, ctx: EngineContext, people: dict[str, Actor], page: Page) -> None:
        super().__init__(ctx, people)
        self.page = page
        # BPMN id of a step -> screenshot name, taken with the form filled in, before completing it.
        self.shots: dict[str, str] = {}

    def start(self, who: str, process_id: str, entry: str, data: dict[str, Any]) -> int:
        """Sign in, pick the entry on the start page, fill the form and submit; the new case's id."""
        page = self.page
        sign_in(page, who)
        page.goto("/start")
        with page.expect_navigation():
            page.locator(f'main a[href="/start/{process_id}/{entry}"]').click()
        fill_form(page, data)
        with page.expect_navigation():
            entry_form(page).locator("button[type=submit]").click()
        found = CASE_URL.search(page.url)
        assert found is not None, f"the case was not started: {field_errors(page)}"
        return int(found.group(1))

    def act(self, who: str, task: OpenTask, data: dict[str, Any]) -> None:
        """Sign in, claim the task from the inbox, fill its form and complete it."""
        page = self.page
        case_id = self._case_of(task.id)
        sign_in(page, who)
        claim_from_inbox(page, task.id)
        fill_form(page, data)
        if task.bpmn_id in self.shots:
            screenshot(page, self.shots[task.bpmn_id])
        assert complete(page) == case_id

    def complete(self, who: str, task_id: str, data: dict[str, Any]) -> None:
        """Open a task already held and complete it."""
        sign_in(self.page, who)
        self.page.goto(f"/tasks/{task_id}")
        fill_form(self.page, data)
        complete(self.page)

    def _case_of(self, task_id: str) -> int:
        """The case an open task belongs to."""
        with self.ctx.sessions() as s:
            case_id = s.scalar(select(TaskIndex.case_id).where(TaskIndex.id == task_id))
        assert case_id is not None, f"task {task_id} is not open"
        return int(case_id)
