"""The statistics page in Chromium: every table with rows drawn as an ECharts chart beside its numbers, the numbers
those of the seeded cases, a pie labelled with its rows, the domain filter narrowing the figures, and the Excel
export opening in openpyxl; no console errors. Saved, full page, as docs/screenshots/statistics.png."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.browser_ui import screenshot, sign_in, watch_console
from tests.support.documents import ruled
from tests.support.driver import APPLICATION, apply
from tests.support.transports import ServiceTransport

# The words the page shows for the seeded figures (zh-CN).
RUNNING, COMPLETED, EXEMPT = "办理中", "已办结", "容错免责（不予/免予追究）"
TALENT_WORK = "talent_work"


def seed(deployed: EngineContext, people: dict[str, Actor]) -> None:
    """Four cases: one ruled EXEMPT (investment promotion), one in talent work and one of another unit still running,
    one refused at acceptance (so closed)."""
    via = ServiceTransport(deployed, people)
    ruled(via)
    apply(via, domain=TALENT_WORK, cadre_name="钱七")
    via.start("other_applicant", "rcjc_case", "application", {**APPLICATION, "cadre_name": "王五"})
    refused = apply(via, cadre_name="赵六")
    refused.do("intake", "acceptance_review", {"acceptance": "refuse", "acceptance_reason": "不属于本机关管辖"})
    assert refused.case().status == "completed"




def wait_for_charts(page: Page) -> int:
    """Wait until every chart box is drawn (marked and holding an SVG); the number of charts."""
    charts = page.locator(".figure .chart")
    expect(charts.first).to_be_visible()
    expect(page.locator('.chart:not([data-drawn="true"])')).to_have_count(0)
    expect(page.locator(".chart:not(:has(svg))")).to_have_count(0)
    return charts.count()


def numbers(page: Page, table: str, column: str = "cases") -> dict[str, str]:
    """A table's numbers as the page shows them: row label -> the text in `column`."""
    rows = page.locator(f'section[data-table="{table}"] table.numbers tbody tr')
    return {row.locator('td[data-column="label"]').inner_text().strip():
            row.locator(f'td[data-column="{column}"]').inner_text().strip() for row in rows.all()}




def test_the_supervisor_reads_the_figures_as_charts_filters_them_and_downloads_excel(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    seed(deployed, people)
    errors = watch_console(page)
    sign_in(page, "supervisor")
    page.goto("/statistics")
    expect(page.locator("main h1")).to_have_text("统计分析")

    # One drawn chart per table that has rows; the empty tables say so instead of drawing.
    drawn = wait_for_charts(page)
    tables = json.loads(page.locator("#figure-data").text_content() or "[]")
    with_rows = [t["key"] for t in tables if t["rows"]]
    assert drawn == len(with_rows) == page.locator("section.figure:has(table.numbers tbody tr)").count()
    assert {"status", "outcome", "closure", "procedure", "tolerance_by_domain"} <= set(with_rows)
    for key in with_rows:
        box = page.locator(f'.chart[data-chart="{key}"]')
        expect(box).to_have_attribute("data-drawn", "true")
        size = box.locator("svg").first.bounding_box()
        assert size is not None and size["width"] > 100 and size["height"] > 100, (key, size)
    for key in (t["key"] for t in tables if not t["rows"]):
        expect(page.locator(f'section[data-table="{key}"] .chart')).to_have_count(0)
        expect(page.locator(f'section[data-table="{key}"] .empty')).to_be_visible()

    # The numbers beside the charts are the seeded cases'.
    assert numbers(page, "status") == {RUNNING: "3", COMPLETED: "1"}
    assert numbers(page, "outcome") == {EXEMPT: "1"}
    assert numbers(page, "tolerance_by_domain", "rate") == {"招商引资": "100.0"}
    # A pie is labelled with its rows' words, as drawn text in its SVG.
    for table, label in (("status", RUNNING), ("status", COMPLETED), ("outcome", EXEMPT)):
        drawn_text = page.locator(f'.chart[data-chart="{table}"] svg text').all_text_contents()
        assert any(label in t for t in drawn_text), (table, label, drawn_text)
    screenshot(page, "statistics", full_page=True)

    # Narrowed to talent work: one running case, no ruling; the charts are drawn again for the narrowed figures.
    form = page.locator("form[data-testid=statistics-filter]")
    form.locator("select[name=domain]").select_option(TALENT_WORK)
    apply_button = form.locator("button[type=submit]")
    expect(apply_button).to_have_text("筛选")
    with page.expect_navigation():
        apply_button.click()
    assert f"domain={TALENT_WORK}" in page.url
    expect(form.locator("select[name=domain]")).to_have_value(TALENT_WORK)
    wait_for_charts(page)
    assert numbers(page, "status") == {RUNNING: "1"}
    expect(page.locator('section[data-table="outcome"] .chart')).to_have_count(0)
    expect(page.locator('section[data-table="outcome"] .empty')).to_be_visible()
    assert any("1" in t for t in page.locator('.chart[data-chart="status"] svg text').all_text_contents())

    # The Excel link keeps the filter: the workbook opens and holds the narrowed numbers.
    link = page.locator("[data-testid=export-xlsx]")
    expect(link).to_have_attribute("href", re.compile(rf"^/statistics\.xlsx\?(.*&)?domain={TALENT_WORK}(&|$)"))
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    status = book["案件办理情况"]
    assert "人才工作" in str(status["A1"].value)
    assert [[c.value for c in row] for row in status.iter_rows(min_row=3)] == [[RUNNING, 1]]

    assert errors == []
