"""Evidence on the case page in Chromium: a handler uploads a PDF, sees it listed and downloads it."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect

from tests.support import files
from tests.support.browser_ui import sign_in
from tests.support.pages import start_case


def test_a_pdf_uploaded_on_the_case_page_is_listed_and_downloads(app: Flask, page: Page) -> None:
    case_id = start_case(app)
    sign_in(page, "applicant")
    page.goto(f"/cases/{case_id}")
    panel = page.locator("[data-testid=attachments]")
    panel.locator("input[type=file]").set_input_files(
        {"name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": files.PDF})
    panel.locator("#attachment-note").fill("党组会议纪要")
    panel.locator("button[type=submit]").click()
    expect(page.locator(".flash").first).to_contain_text("附件已上传")
    row = panel.locator("tr[data-attachment]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("会议纪要.pdf")
    expect(row).to_contain_text("PDF")
    with page.expect_download() as downloading:
        row.get_by_role("link", name="下载").click()
    download = downloading.value
    assert download.suggested_filename == "会议纪要.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == files.PDF
