"""The documents panel of the case page: the issued documents with their numbers, each downloadable as PDF and DOCX
by those who may read the case."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.support.documents import issue_letter
from tests.support.driver import APPLICATION
from tests.support.pages import new_browser, start_case


def panel(html: str) -> str:
    found = re.search(r'data-testid="documents">(.*?)</section>', html, re.S)
    assert found, "no documents panel on the page"
    return found.group(1)


def rows(html: str) -> dict[str, list[str]]:
    """Each listed document's title with its download links."""
    found = re.findall(r'<tr class="[^"]*" data-document="\d+"[^>]*>\s*<td>([^<]+)</td>(.*?)</tr>', panel(html), re.S)
    return {title.strip(): re.findall(r'href="(/cases/\d+/documents/\d+\.(?:pdf|docx))"', rest) for title, rest in found}


def test_the_case_page_lists_each_document_with_pdf_and_docx_links(app: Flask) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    first = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    assert list(rows(first)) == ["容错纠错申请书"]
    # The case file names the document beside the step that issued it: the application beside the start form.
    beside = re.findall(r'data-testid="step-documents">(.*?)</p>', first, re.S)
    assert len(beside) == 1 and "容错纠错申请书（X纪容申〔2026〕1号）" in beside[0]
    issue_letter(app.extensions["rcjc"], case_id)
    shown = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "X纪容裁〔2026〕1号" in panel(shown)
    listed = rows(shown)
    assert list(listed) == ["容错纠错申请书", "裁定书"]
    links = listed["裁定书"]
    assert [link.rsplit(".", 1)[1] for link in links] == ["docx", "pdf"]
    for link, magic in zip(links, (b"PK", b"%PDF"), strict=True):
        response = applicant.client.get(link, base_url="https://localhost", buffered=True)
        assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
        assert response.data.startswith(magic)
        other = new_browser(app, "other_applicant").client.get(link, base_url="https://localhost", buffered=True)
        assert other.status_code == 404


def test_a_case_opened_by_a_pre_check_lists_no_document_until_a_step_issues_one(app: Flask) -> None:
    # A pre-procedure check is the accountability side's own review, not an application: nothing is issued yet.
    start = {k: v for k, v in APPLICATION.items() if k != "accountability_decision_date"}
    checker = new_browser(app, "accountability")
    checker.get("/start/rcjc_case/pre_check")
    response = checker.post("/start/rcjc_case/pre_check", {**start, "accountability_case_no": "问责〔2026〕7号"})
    assert response.status_code == 302, response.get_data(as_text=True)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = checker.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "尚未签发文书" in panel(page) and rows(page) == {}


def test_a_supervisor_corrects_a_document_through_the_form_and_a_refusal_keeps_the_text(app: Flask) -> None:
    case_id = start_case(app)
    letter = issue_letter(app.extensions["rcjc"], case_id)
    applicant, chair = new_browser(app, "applicant"), new_browser(app, "supervisor")
    # The applicant unit may correct its own application, not the committee's letter.
    mine = panel(applicant.get(f"/cases/{case_id}").get_data(as_text=True))
    assert f"/documents/{letter}/correct" not in mine and mine.count('class="correct"') == 1
    assert applicant.get(f"/cases/{case_id}/documents/{letter}/correct").status_code == 403
    assert f"/cases/{case_id}/documents/{letter}/correct" in panel(chair.get(f"/cases/{case_id}").get_data(as_text=True))
    form = chair.get(f"/cases/{case_id}/documents/{letter}/correct").get_data(as_text=True)
    texts = [html.unescape(t) for t in re.findall(r'<textarea id="section-\d+" name="section"[^>]*>(.*?)</textarea>', form, re.S)]
    assert any("对张明裁定" in t for t in texts)
    edited = [t.replace("对张明裁定", "对张明同志裁定") for t in texts]
    refused = chair.post(f"/cases/{case_id}/documents/{letter}/correct", {"section": edited, "reason": " "})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请说明更正理由" in page and "对张明同志裁定" in page
    done = chair.post(f"/cases/{case_id}/documents/{letter}/correct", {"section": edited, "reason": "称谓规范"})
    assert done.status_code == 302
    shown = panel(chair.get(f"/cases/{case_id}").get_data(as_text=True))
    assert "已被 X纪容裁〔2026〕2号 更正" in shown and "更正理由：称谓规范" in shown
