"""The bell in the header counts what is unread; opened, it lists the notifications in words with a link to the task,
and once all is read the badge is gone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.procedure import supervision
from tests.support.browser_ui import screenshot, sign_in
from tests.support.driver import apply
from tests.support.transports import ServiceTransport


def test_the_bell_opens_the_unread_notifications(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    run = apply(ServiceTransport(deployed, people))
    task = run.task("acceptance_review")
    supervision.remind(deployed, people["supervisor"], task.id, "请今天办结")
    sign_in(page, "intake")
    expect(page.locator("header a.bell [data-testid=unread]")).to_have_text("2")
    with page.expect_navigation():
        page.locator("header a.bell").click()
    unread = page.locator("ul.notifications li.unread")
    expect(unread).to_have_count(2)
    expect(unread.nth(0)).to_contain_text("提醒您尽快办理“受理审查”")
    expect(unread.nth(1)).to_contain_text("您有一项新任务：案件")
    expect(unread.nth(1).locator(f'a[href="/tasks/{task.id}"]')).to_be_visible()
    screenshot(page, "notification-bell")

    with page.expect_navigation():
        page.locator('form[action="/notifications/read"] button').click()
    expect(page.locator("ul.notifications li.unread")).to_have_count(0)
    expect(page.locator("header a.bell [data-testid=unread]")).to_have_count(0)
