"""File pickers on the start and task pages: files posted with a step's form are attached to the case and named in
its values; a refused form keeps the files it uploaded; the case file links each file by its name."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support import files
from tests.support.driver import APPLICATION, apply
from tests.support.pages import Browser, new_browser
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport

ASK_FOR_MORE = {"jurisdiction_ok": True, "materials_complete": False, "acceptance": "supplement",
                "acceptance_reason": "材料不全", "supplement_request": "请补充党组会议纪要"}


def post_form(visitor: Browser, path: str, fields: dict[str, Any], picked: dict[str, list[tuple[bytes, str]]]) -> Any:
    """Post a page's form as a browser does: multipart, with the files chosen in its pickers."""
    data: dict[str, Any] = {**fields, "csrf_token": visitor.token}
    for key, chosen in picked.items():
        data[key] = [*([data[key]] if key in data else []), *((io.BytesIO(c), n) for c, n in chosen)]
    return visitor.client.post(path, data=data, content_type="multipart/form-data", base_url="https://localhost",
                               headers={"Referer": "https://localhost/"})


def case_file(html: str) -> str:
    found = re.search(r'data-testid="case-file">(.*?</section>)\s*</section>', html, re.S)
    assert found, "no case file on the page"
    return found.group(1)


def test_an_application_filed_with_its_evidence_lists_each_file_in_the_case_file(app: Flask) -> None:
    applicant = new_browser(app, "applicant")
    applicant.get("/start/rcjc_case/application")
    done = post_form(applicant, "/start/rcjc_case/application", dict(APPLICATION),
                     {"evidence_files": [(files.PDF, "党组会议纪要.pdf"), (files.PDF + b"\n%", "试点方案.pdf")]})
    assert done.status_code == 302, done.get_data(as_text=True)
    case_id = int(done.headers["Location"].rsplit("/", 1)[1])
    shown = case_file(applicant.get(f"/cases/{case_id}").get_data(as_text=True))
    links = re.findall(r'<a class="step-file" href="(/cases/\d+/attachments/\d+)">([^<]+)</a>', shown)
    assert [name for _, name in links] == ["党组会议纪要.pdf", "试点方案.pdf"]
    assert applicant.client.get(links[0][0], base_url="https://localhost").data.startswith(b"%PDF")


def test_a_refused_supplement_keeps_its_file_and_the_next_post_completes_with_it(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    run.do("intake", "acceptance_review", ASK_FOR_MORE)
    task_id = run.task("supplement").id
    applicant = new_browser(app, "applicant")
    applicant.get("/inbox")
    claimed = applicant.post(f"/tasks/{task_id}/claim")
    assert claimed.status_code in (302, 303)
    applicant.get(f"/tasks/{task_id}")
    # The required explanation is missing: the form comes back, and the uploaded file is still picked.
    refused = post_form(applicant, f"/tasks/{task_id}", {"action": "complete", "supplement_materials": ""},
                        {"supplement_files": [(files.PDF, "党组会议纪要.pdf")]})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    kept = re.search(r'<input[^>]*type="checkbox"[^>]*name="supplement_files"[^>]*value="(\d+)"[^>]*checked', page)
    assert kept and "党组会议纪要.pdf" in page
    done = post_form(applicant, f"/tasks/{task_id}", {"action": "complete", "supplement_materials": "已补充会议纪要",
                                                      "supplement_files": kept.group(1)}, {})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert run.data()["supplement_files"] == [int(kept.group(1))]
    shown = case_file(new_browser(app, "intake").get(f"/cases/{run.case_id}").get_data(as_text=True))
    assert re.search(r'<a class="step-file" href="/cases/\d+/attachments/\d+">党组会议纪要.pdf</a>', shown)


def test_a_file_the_procedure_does_not_accept_is_refused_at_its_picker(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    run.do("intake", "acceptance_review", ASK_FOR_MORE)
    task_id = run.task("supplement").id
    applicant = new_browser(app, "applicant")
    applicant.post(f"/tasks/{task_id}/claim")
    applicant.get(f"/tasks/{task_id}")
    refused = post_form(applicant, f"/tasks/{task_id}", {"action": "complete", "supplement_materials": "补充"},
                        {"supplement_files": [(b"MZ\x90\x00" + b"\x00" * 64, "纪要.pdf")]})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "纪要.pdf：" in page and "不支持此类文件" in page
    assert run.open_ids() == ["supplement"] and "supplement_files" not in run.data()


def test_a_file_added_for_a_step_beside_its_form_is_listed_with_that_step(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    from engine.procedure.attachment_rows import Upload
    from engine.procedure.attachments import add_attachment

    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    run.do("intake", "acceptance_review", ASK_FOR_MORE)
    add_attachment(deployed, people["applicant"], run.case_id,
                   Upload("补充说明.pdf", files.PDF, task_id=run.task("supplement").id))
    run.do("applicant", "supplement", {"supplement_materials": "已补充"})
    shown = case_file(new_browser(app, "intake").get(f"/cases/{run.case_id}").get_data(as_text=True))
    beside = re.findall(r'data-testid="step-files">(.*?)</p>', shown, re.S)
    assert len(beside) == 1 and "补充说明.pdf" in beside[0] and "添加的附件" in beside[0]
