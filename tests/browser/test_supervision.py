"""The supervision dashboard: an overdue task is found, given to another member of its group, and its holder reminded."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.uow import UnitOfWork
from tests.support.browser_ui import claim_from_inbox, screenshot, sign_in
from tests.support.clock import FrozenClock
from tests.support.driver import apply
from tests.support.people import PASSWORD
from tests.support.transports import ServiceTransport


def unread(page: Page) -> int:
    """The count on the notification bell (no badge when nothing is unread)."""
    badge = page.locator("[data-testid=unread]")
    return int(badge.inner_text()) if badge.count() else 0


def test_an_overdue_task_is_reassigned_and_its_holder_reminded(
    deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock, page: Page
) -> None:
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "intake2", PASSWORD, ["intake"], uow.now)
        uow.commit()
    run = apply(ServiceTransport(deployed, people))
    task = run.task("acceptance_review")
    assert task.due_at is not None
    sign_in(page, "intake")
    claim_from_inbox(page, task.id)
    sign_in(page, "supervisor")
    page.goto("/dashboard")
    expect(page.locator(f'table[data-testid="overdue"] tr[data-task="{task.id}"]')).to_have_count(0)

    clock.advance(timedelta(days=20))
    assert task.due_at < deployed.clock.now()
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # sessions last eight hours
    sign_in(page, "supervisor")
    page.goto("/dashboard")
    row = page.locator(f'table[data-testid="overdue"] tr[data-task="{task.id}"]')
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text("intake")
    screenshot(page, "dashboard")

    # The members a task may go to are fetched for that task only, on its own page.
    with page.expect_navigation():
        row.locator('a[href$="/reassign"]').click()
    choice = page.locator('[data-testid="reassign"]')
    expect(choice.locator("option")).to_have_count(1)
    choice.locator("select[name=assignee]").select_option("intake2")
    with page.expect_navigation():
        choice.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator("main .flash").first).not_to_have_class(re.compile(r"\berror\b"))
    expect(row.locator("td").nth(4)).to_have_text("intake2")

    sign_in(page, "intake2")
    expect(page.locator(f'table[data-testid="mine"] tr[data-task="{task.id}"]')).to_have_count(1)
    before = unread(page)
    sign_in(page, "intake")
    expect(page.locator(f'tr[data-task="{task.id}"]')).to_have_count(0)

    sign_in(page, "supervisor")
    page.goto("/dashboard")
    with page.expect_navigation():
        row.locator('form[action$="/remind"] button').click()
    expect(page.locator("main .flash").first).to_contain_text("intake2")

    sign_in(page, "intake2")
    assert unread(page) == before + 1
    with page.expect_navigation():
        page.locator("header a.bell").click()
    expect(page.locator("ul.notifications li.unread")).to_have_count(before + 1)
    expect(page.locator(f'ul.notifications li.unread a[href="/tasks/{task.id}"]').first).to_be_visible()
