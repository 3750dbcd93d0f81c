"""File pickers in Chromium: files chosen on the start and task pages land in the case file as links by name, and a
refused task form keeps the file it uploaded."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support import files
from tests.support.browser_ui import CASE_URL, claim_from_inbox, complete, entry_form, field_errors, fill_form, sign_in
from tests.support.driver import APPLICATION, apply
from tests.support.transports import ServiceTransport

ASK_FOR_MORE = {"jurisdiction_ok": True, "materials_complete": False, "acceptance": "supplement",
                "acceptance_reason": "材料不全", "supplement_request": "请补充党组会议纪要"}
REQUIRED = "此项为必填项"


def write_pdf(folder: Path, name: str, tail: bytes = b"") -> Path:
    """A small PDF on disk, as a user would pick it from their files."""
    path = folder / name
    path.write_bytes(files.PDF + tail)
    return path


def file_section(page: Page, step: str) -> Locator:
    """The case file's section for one step, found by the heading the reader sees."""
    card = page.locator("[data-testid=case-file]")
    return card.locator(".file-section").filter(has=page.get_by_role("heading", name=step, exact=True))


def test_evidence_chosen_on_the_application_is_linked_in_the_case_file_and_downloads(page: Page, tmp_path: Path) -> None:
    """The applicant picks two PDFs under 证据材料文件; the case file links both by name and one downloads."""
    minutes = write_pdf(tmp_path, "党组会议纪要.pdf")
    # A different body, so the download can be told apart from the other file.
    plan = write_pdf(tmp_path, "试点方案.pdf", b"\n% plan\n")
    sign_in(page, "applicant")
    page.goto("/start/rcjc_case/application")
    fill_form(page, APPLICATION)
    picker = entry_form(page).get_by_label("证据材料文件", exact=True)
    expect(picker).to_have_attribute("type", "file")
    picker.set_input_files([minutes, plan])
    with page.expect_navigation():
        entry_form(page).locator("button[type=submit]").click()
    found = CASE_URL.search(page.url)
    assert found is not None, f"the application was refused: {field_errors(page)}"
    case_id = int(found.group(1))

    links = page.locator("[data-testid=case-file] a.step-file")
    expect(links).to_have_text(["党组会议纪要.pdf", "试点方案.pdf"])
    for link in links.all():
        expect(link).to_have_attribute("href", re.compile(rf"^/cases/{case_id}/attachments/\d+$"))
    # The label the form gives the picker heads the links, as on the form itself.
    value = page.locator('[data-testid=case-file] dd[data-key="evidence_files"]')
    expect(value.locator("xpath=preceding-sibling::dt[1]")).to_have_text("证据材料文件")
    with page.expect_download() as downloading:
        links.nth(1).click()
    download = downloading.value
    assert download.suggested_filename == "试点方案.pdf"
    assert Path(download.path()).read_bytes() == plan.read_bytes()


def test_a_refused_supplement_keeps_the_chosen_file_and_files_it_once_the_form_is_complete(
    deployed: EngineContext, people: dict[str, Actor], page: Page, tmp_path: Path
) -> None:
    """The applicant's supplement comes back for the missing 补正材料说明 with its file still ticked; completed, the case
    file lists the file under 补正材料."""
    # The steps before the supplement run through the services: the browser part is the applicant's.
    run = apply(ServiceTransport(deployed, people))
    run.do("intake", "acceptance_review", ASK_FOR_MORE)
    task_id = run.task("supplement").id
    minutes = write_pdf(tmp_path, "党组会议纪要.pdf")

    sign_in(page, "applicant")
    claim_from_inbox(page, task_id)
    form = entry_form(page)
    form.get_by_label("补正材料文件", exact=True).set_input_files(minutes)
    with page.expect_navigation():
        page.locator("button[name=action][value=complete]").click()

    expect(page).to_have_url(re.compile(f"/tasks/{task_id}$"))
    expect(page.locator("main .flash.error")).to_be_visible()
    assert field_errors(page) == {"supplement_materials": [REQUIRED]}
    # The uploaded file is listed by name and ticked, so it need not be chosen again.
    kept = form.get_by_role("checkbox", name="党组会议纪要.pdf", exact=True)
    expect(kept).to_be_checked()
    expect(form.locator(".picked-files")).to_have_text("党组会议纪要.pdf")
    assert run.open_ids() == ["supplement"]

    fill_form(page, {"supplement_materials": "已补充党组会议纪要"})
    assert complete(page) == run.case_id
    section = file_section(page, "补正材料")
    expect(section.locator('dd[data-key="supplement_materials"]')).to_have_text("已补充党组会议纪要")
    expect(section.locator("a.step-file")).to_have_text(["党组会议纪要.pdf"])
    # Picked once, uploaded once: the refused post's file is the one filed, not a second copy.
    expect(page.locator("[data-testid=case-file] a.step-file")).to_have_count(1)
    expect(page.locator("[data-testid=attachments] tr[data-attachment]")).to_have_count(1)
    with page.expect_download() as downloading:
        section.locator("a.step-file").click()
    assert Path(downloading.value.path()).read_bytes() == files.PDF
