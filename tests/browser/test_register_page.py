"""The cadre register in Chromium: the organization department searches part of a cadre's name and finds the ruling
with its outcome, "no negative evaluation" scope and document number. Saved as docs/screenshots/register.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import screenshot, sign_in
from tests.support.documents import by_kind, documents, ruled
from tests.support.transports import ServiceTransport


def test_the_organization_department_finds_a_cadre_by_part_of_the_name(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    via = ServiceTransport(deployed, people)
    run = ruled(via, cadre_name="张明远")
    other = ruled(via, cadre_name="李华", cadre_unit="示例区财政局")
    number = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]["number"]
    assert number == f"X纪容裁〔{deployed.clock.now().year}〕1号"

    sign_in(page, "orgdept")
    page.goto("/register")
    expect(page.locator("main h1")).to_have_text("干部容错纠错档案")
    expect(page.locator("[data-testid=register-results]")).to_have_count(0)
    form = page.locator("form[data-testid=register-search]")
    form.locator("input[name=name]").fill("明远")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/register\?(.*&)?name=%E6%98%8E%E8%BF%9C"))

    results = page.locator("[data-testid=register-results]")
    expect(results.locator("h2")).to_have_text("共 1 条记录")
    rows = results.locator("table.register tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    cells = row.locator("td")
    expect(cells.nth(0)).to_contain_text("张明远")
    expect(cells.nth(0)).to_contain_text("示例区发展和改革局")
    expect(cells.nth(2)).to_contain_text("容错免责")
    expect(cells.nth(4)).to_contain_text("考核、评先评优、表彰奖励、选拔任用、所在单位考核评价")
    expect(cells.nth(4)).to_contain_text("有效")
    expect(cells.nth(5)).to_have_text(number)
    expect(row.get_by_role("link", name="打开案件")).to_have_attribute("href", f"/cases/{run.case_id}")
    expect(results).not_to_contain_text("李华")
    assert other.case_id != run.case_id
    screenshot(page, "register")
