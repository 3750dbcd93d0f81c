"""The warnings page in Chromium: a supervisor finds the "repeated tolerance" sign raised on a cadre's second case,
naming the earlier case; acknowledging it without a note keeps the page and says so, with a note it leaves the open
list and shows, with the note, among those handled; the intake officer sees the sign beside the case. No console
errors. Saved, full page, as docs/screenshots/warnings.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import screenshot, sign_in, take_refusal_report, watch_console
from tests.support.documents import ruled
from tests.support.driver import apply
from tests.support.transports import ServiceTransport

REPEATED = "重复容错"
NOTE = "经核实，属不同事项，不构成重复犯错"








def test_a_supervisor_acknowledges_a_repeated_tolerance_sign_and_the_intake_officer_sees_it_on_the_case(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    via = ServiceTransport(deployed, people)
    first = ruled(via)
    again = apply(via, matter="农村道路建设项目提前开工")
    errors = watch_console(page)

    # The supervisor reaches the list from the navigation: one open sign, on the second case, naming the first.
    sign_in(page, "supervisor")
    nav = page.locator("header nav")
    with page.expect_navigation():
        nav.get_by_role("link", name="预警", exact=True).click()
    expect(page).to_have_url(re.compile(r"/warnings$"))
    expect(nav.locator('a[aria-current="page"]')).to_have_text("预警")
    expect(page.locator("main h1")).to_have_text("预警")
    table = page.locator("table[data-testid=warnings]")
    expect(table.locator("caption")).to_have_text("共 1 条预警")
    rows = table.locator("tr[data-warning]")
    expect(rows).to_have_count(1)
    row = rows.first
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text(REPEATED)
    expect(cells.nth(1).get_by_role("link", name=f"#{again.case_id}")).to_have_attribute("href", f"/cases/{again.case_id}")
    expect(cells.nth(1)).to_contain_text("农村道路建设项目提前开工")
    expect(cells.nth(2)).to_contain_text(f"案件#{first.case_id}")
    expect(table).not_to_contain_text("repeated_tolerance")
    warning_id = row.get_attribute("data-warning")
    assert warning_id and warning_id.isdigit()
    screenshot(page, "warnings", full_page=True)

    # Acknowledged with no note: the page stays (422), says what is missing, and the sign is still open.
    form = row.locator("form.acknowledge")
    expect(form).to_have_attribute("action", f"/warnings/{warning_id}/acknowledge")
    button = form.locator("button[type=submit]")
    expect(button).to_have_text("确认处理")
    with page.expect_navigation() as refused:
        button.click()
    assert refused.value is not None and refused.value.status == 422
    expect(page).to_have_url(re.compile(f"/warnings/{warning_id}/acknowledge$"))
    take_refusal_report(errors, page.url)
    row = page.locator(f'tr[data-warning="{warning_id}"]')
    expect(row.locator(".field-error")).to_have_text("请填写处理意见。")
    note = row.locator("textarea[name=note]")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(page.locator("table[data-testid=warnings] tr[data-warning]")).to_have_count(1)
    expect(page.locator(".flash")).to_have_count(0)

    # With a note it is handled: it leaves the open list.
    note.fill(NOTE)
    with page.expect_navigation() as done:
        row.locator("button[type=submit]").click()
    assert done.value is not None and done.value.status == 200
    expect(page).to_have_url(re.compile(r"/warnings$"))
    expect(page.locator(".flash.success")).to_have_text("预警已处理。")
    table = page.locator("table[data-testid=warnings]")
    expect(table.locator("tr[data-warning]")).to_have_count(0)
    expect(table.locator("td.empty")).to_have_text("暂无预警。")
    expect(table.locator("caption")).to_have_text("共 0 条预警")

    # Those handled are shown on request, with who handled them and the note.
    filters = page.locator("form[data-testid=warnings-filter]")
    filters.get_by_label("包括已处理").check()
    apply_button = filters.locator("button[type=submit]")
    expect(apply_button).to_have_text("筛选")
    with page.expect_navigation():
        apply_button.click()
    expect(page).to_have_url(re.compile(r"/warnings\?(.*&)?all=1(&|$)"))
    expect(filters.locator("input[name=all]")).to_be_checked()
    handled = page.locator(f'table[data-testid=warnings] tr[data-warning="{warning_id}"]')
    expect(handled).to_have_count(1)
    handling = handled.locator("td").nth(4)
    expect(handling).to_contain_text("处理")
    expect(handling.locator("p.reason")).to_have_text(NOTE)
    expect(handled.locator("form.acknowledge")).to_have_count(0)
    assert errors == []

    # The intake officer, who handles the case, sees the sign beside it (and how it was handled).
    sign_in(page, "intake")
    expect(page.locator("header nav").get_by_role("link", name="预警", exact=True)).to_have_count(0)
    page.goto(f"/cases/{again.case_id}")
    panel = page.locator("[data-testid=warning-signs]")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text("预警提示")
    expect(panel.locator("li")).to_have_count(1)
    expect(panel.locator("li strong")).to_have_text(REPEATED)
    expect(panel).to_contain_text(f"案件#{first.case_id}")
    expect(panel).to_contain_text(NOTE)
    assert errors == []
