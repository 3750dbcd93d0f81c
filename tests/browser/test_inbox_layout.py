"""The inbox in Chromium: the tasks assigned to me and my groups' queue line up column by column, each captioned
with its true total, and giving a claimed task back reads 放弃认领."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import sign_in, watch_console
from tests.support.driver import apply
from tests.support.transports import ServiceTransport


def test_the_two_task_tables_line_up_and_say_how_many(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    via = ServiceTransport(deployed, people)
    claimed = apply(via, matter="一个事项名称相当长的试点项目，用来检验表格的列宽是否随内容变化")
    via.claim("intake", claimed.task("acceptance_review").id)
    for n in range(3):
        apply(via, matter=f"事项{n}")
    errors = watch_console(page)
    sign_in(page, "intake")
    mine, queue = page.locator('table[data-testid="mine"]'), page.locator('table[data-testid="queue"]')
    expect(mine.locator("caption")).to_contain_text("(1)")
    expect(queue.locator("caption")).to_contain_text("(3)")
    headers = [[cell.bounding_box() for cell in table.locator("thead th").all()] for table in (mine, queue)]
    assert len(headers[0]) == len(headers[1]) == 6
    for top, bottom in zip(*headers, strict=True):
        assert top is not None and bottom is not None
        assert abs(top["x"] - bottom["x"]) < 1 and abs(top["width"] - bottom["width"]) < 1, (top, bottom)
    expect(mine.locator("button[type=submit]")).to_have_text("放弃认领")
    assert errors == []
