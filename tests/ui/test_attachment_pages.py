"""The attachments panel of the case page: upload with the page's CSRF token, list, new versions, download, refusals."""

from __future__ import annotations

import hashlib
import io
import re

from flask import Flask

from tests.support import files
from tests.support.pages import Browser, new_browser, start_case


def attach(visitor: Browser, case_id: int, content: bytes, name: str, **fields: str) -> object:
    """Post the panel's form with one file."""
    data = {**fields, "csrf_token": visitor.token, "file": (io.BytesIO(content), name)}
    return visitor.client.post(f"/cases/{case_id}/attachments", data=data, content_type="multipart/form-data",
                               base_url="https://localhost", headers={"Referer": "https://localhost/"})


def panel(html: str) -> str:
    found = re.search(r'data-testid="attachments">(.*?)</section>', html, re.S)
    assert found, "no attachments panel on the page"
    return found.group(1)


def test_a_handler_uploads_a_file_sees_it_listed_and_downloads_it(app: Flask) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    page = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in panel(page) and "尚未上传附件" in panel(page)
    done = attach(applicant, case_id, files.PDF, "会议纪要.pdf", note="党组会议纪要")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case_id}#attachments")
    html = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    shown = panel(html)
    assert "附件已上传" in html
    assert "会议纪要.pdf" in shown and "KB" in shown and "PDF" in shown and "党组会议纪要" in shown
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", shown)
    link = re.search(r'href="(/cases/\d+/attachments/\d+)"', shown)
    assert link
    response = new_browser(app, "intake").get(link.group(1), buffered=True)
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(response.data).hexdigest() == hashlib.sha256(files.PDF).hexdigest()
    assert new_browser(app, "other_applicant").get(link.group(1), buffered=True).status_code == 404


def test_a_new_version_replaces_the_listed_one(app: Flask) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    applicant.get(f"/cases/{case_id}")
    attach(applicant, case_id, files.PDF, "说明.pdf")
    page = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    first = re.search(r'<option value="(\d+)">#\d+ 说明\.pdf</option>', page)
    assert first
    attach(applicant, case_id, files.DOCX, "说明（修订）.docx", replaces=first.group(1))
    shown = panel(applicant.get(f"/cases/{case_id}").get_data(as_text=True))
    assert f"替换 #{first.group(1)} 的新版本" in shown and "已被 #" in shown and "DOCX" in shown


def test_a_refused_file_shows_the_reason_and_keeps_the_page(app: Flask) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    applicant.get(f"/cases/{case_id}")
    assert attach(applicant, case_id, files.PE, "evidence.pdf").status_code == 302
    html = applicant.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "不支持此类文件" in html and "尚未上传附件" in panel(html) and 'data-testid="status"' in html


def test_the_form_needs_its_csrf_token(app: Flask) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    applicant.get(f"/cases/{case_id}")
    applicant.token = "forged"
    assert attach(applicant, case_id, files.PDF, "a.pdf").status_code == 400
    assert "尚未上传附件" in panel(applicant.get(f"/cases/{case_id}").get_data(as_text=True))
