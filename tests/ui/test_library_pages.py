"""The process library pages: importing every MIWG reference model, drafts, validation, deployment, permissions."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.pages import new_browser, upload

MIWG = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn-miwg-reference"
REFERENCE_FILES = sorted(MIWG.glob("*.bpmn"))


def test_every_miwg_reference_model_is_taken_for_viewing_or_refused_with_reasons(
    app: Flask, people: dict[str, Actor]
) -> None:
    assert len(REFERENCE_FILES) >= 20
    owner = new_browser(app, "owner")
    owner.get("/library")
    for path in REFERENCE_FILES:
        response = upload(owner, "/library/drafts", {"name": f"导入 {path.name}"}, [(path.read_bytes(), path.name)])
        assert response.status_code == 302, (path.name, response.status_code)  # type: ignore[attr-defined]
        page = owner.get(response.headers["Location"])  # type: ignore[attr-defined]
        text = page.get_data(as_text=True)
        assert page.status_code == 200, path.name
        taken = f"已加入草稿：{path.name}" in text
        refused = f"{path.name} 未被接受：" in text
        assert taken != refused, path.name
        if taken:
            # Accepted for viewing: the viewer gets the file, and the page says whether rcjc can run it and why not.
            assert 'class="diagram"' in text and path.name in text
            assert 'data-testid="valid"' in text or 'data-testid="problems"' in text
            draft_id = re.search(r"/library/drafts/(\d+)", response.headers["Location"]).group(1)  # type: ignore[union-attr,attr-defined]
            raw = owner.get(f"/library/drafts/{draft_id}/files/{path.name}")
            assert raw.status_code == 200 and raw.data == path.read_bytes()


def test_refused_files_and_a_draft_that_cannot_deploy(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    owner = new_browser(app, "owner")
    owner.get("/library")
    bad = upload(owner, "/library/drafts", {"name": "坏文件"},
                 [(b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "evil.bpmn"),
                  (b"\xff\xfe", "form.json"), (b"hello", "readme.txt")])
    page = owner.get(bad.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "evil.bpmn 未被接受" in page and "DOCTYPE" in page and "readme.txt 未被接受" in page
    assert "/etc/passwd" not in page.split("未被接受")[0]  # nothing of the entity was resolved
    shipped = new_browser(app, "owner")
    library_page = shipped.get("/library").get_data(as_text=True)
    deployment = re.search(r'name="from_deployment" value="(\d+)"', library_page).group(1)  # type: ignore[union-attr]
    copy = shipped.post("/library/drafts", {"name": "修改受理时限", "from_deployment": deployment})
    draft_page = shipped.get(copy.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="valid"' in draft_page and "没有变化" in draft_page
    assert re.search(r'class="primary"\s*>部署为新版本', draft_page)  # enabled: nothing stops it


def test_a_changed_form_deploys_as_a_new_version_and_running_cases_stay_on_theirs(
    app: Flask, deployed: EngineContext, people: dict[str, Actor]
) -> None:
    from engine.procedure import services
    from tests.support.driver import APPLICATION

    before = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    owner = new_browser(app, "owner")
    deployment = re.search(r'name="from_deployment" value="(\d+)"',  # type: ignore[union-attr]
                           owner.get("/library").get_data(as_text=True)).group(1)
    draft_url = owner.post("/library/drafts", {"name": "改标签", "from_deployment": deployment}).headers["Location"]
    draft_id = draft_url.rsplit("/", 1)[1]
    form = owner.get(f"/library/drafts/{draft_id}/files/acceptance_review.json").get_data(as_text=True)
    relabelled = form.replace("受理结论", "受理结论（三选一）", 1).encode("utf-8")
    assert relabelled != form.encode("utf-8")
    owner.get(draft_url)
    upload(owner, f"/library/drafts/{draft_id}/files", {}, [(relabelled, "acceptance_review.json")])
    page = owner.get(draft_url).get_data(as_text=True)
    assert "acceptance_review.json" in page and "修改" in page  # listed among the changes
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    deployed_page = owner.get(owner.post(f"/library/drafts/{draft_id}/deploy", {"revision": revision})
                              .headers["Location"]).get_data(as_text=True)
    assert "已部署为新版本" in deployed_page and "rcjc_case v2" in deployed_page
    after = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    from engine.persistence.models import Case
    with deployed.sessions() as s:
        assert s.get(Case, before).process_version.version == 1  # type: ignore[union-attr]
        assert s.get(Case, after).process_version.version == 2  # type: ignore[union-attr]


def test_only_process_owners_import_and_deploy(app: Flask, people: dict[str, Actor]) -> None:
    for who in ("intake", "supervisor", "admin"):
        visitor = new_browser(app, who)
        visitor.get("/inbox")
        response = upload(visitor, "/library/drafts", {"name": "x"}, [(REFERENCE_FILES[0].read_bytes(), "a.bpmn")])
        assert response.status_code == 403, who  # type: ignore[attr-defined]
        assert visitor.post("/library/drafts/1/deploy").status_code in (403, 404), who
    assert new_browser(app, "intake").get("/library").status_code == 403
    assert new_browser(app, "supervisor").get("/library").status_code == 200  # supervisors read the library


def test_only_process_owners_save_files_of_a_draft(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    from engine.library import process_library

    draft_id, _ = process_library.create_draft(deployed, people["owner"], "草稿",
                                       {REFERENCE_FILES[0].name: REFERENCE_FILES[0].read_bytes()})
    for who, status in (("supervisor", 403), ("intake", 403), ("owner", 200)):
        visitor = new_browser(app, who)
        visitor.get("/inbox")
        response = visitor.client.post(f"/library/drafts/{draft_id}/files/{REFERENCE_FILES[0].name}/save",
                                       data=REFERENCE_FILES[0].read_bytes(), base_url="https://localhost",
                                       headers={"Referer": "https://localhost/", "X-CSRFToken": visitor.token,
                                                "Content-Type": "application/xml", "X-Draft-Revision": "1"})
        assert response.status_code == status, who
    stale = new_browser(app, "owner")
    stale.get("/inbox")
    conflict = stale.client.post(f"/library/drafts/{draft_id}/files/{REFERENCE_FILES[0].name}/save",
                                 data=b"<x/>", base_url="https://localhost",
                                 headers={"Referer": "https://localhost/", "X-CSRFToken": stale.token,
                                          "Content-Type": "application/xml", "X-Draft-Revision": "1"})
    assert conflict.status_code == 409 and "已被他人修改" in conflict.get_json()["error"]
    for who in ("supervisor", "intake"):
        visitor = new_browser(app, who)
        assert visitor.get(f"/library/drafts/{draft_id}/model/{REFERENCE_FILES[0].name}").status_code == 403


def test_a_document_template_is_uploaded_listed_checked_and_deployed(
    app: Flask, deployed: EngineContext, people: dict[str, Actor]
) -> None:
    from tests.support.doc_templates import LETTER, template

    owner = new_browser(app, "owner")
    deployment = re.search(r'name="from_deployment" value="(\d+)"',  # type: ignore[union-attr]
                           owner.get("/library").get_data(as_text=True)).group(1)
    draft_url = owner.post("/library/drafts", {"name": "裁定书模板", "from_deployment": deployment}).headers["Location"]
    draft_id = draft_url.rsplit("/", 1)[1]
    owner.get(draft_url)
    refused = upload(owner, f"/library/drafts/{draft_id}/files", {},
                     [(b"not a word file", "ruling_letter.docx"), (LETTER, "love_letter.docx")])
    assert refused.status_code == 302  # type: ignore[attr-defined]  # back to the draft, which says why
    page = owner.get(draft_url).get_data(as_text=True)
    assert "不是 Word 文档（.docx）" in page and "模板文件名应为文书类型加 .docx" in page
    upload(owner, f"/library/drafts/{draft_id}/files", {}, [(LETTER, "ruling_letter.docx")])
    page = owner.get(draft_url).get_data(as_text=True)
    assert 'data-template="ruling_letter.docx"' in page and "文书模板" in page
    download = owner.client.get(f"/library/drafts/{draft_id}/files/ruling_letter.docx", base_url="https://localhost")
    assert download.data == LETTER and download.headers["Content-Disposition"].startswith("attachment;")
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    done = owner.get(owner.post(f"/library/drafts/{draft_id}/deploy", {"revision": revision}).headers["Location"])
    assert "已部署为新版本" in done.get_data(as_text=True)
    # A template naming a value no form records is a problem of the draft, named with the file.
    owner.get(draft_url)
    upload(owner, f"/library/drafts/{draft_id}/files", {}, [(template("{{ cadre_salary }}"), "ruling_letter.docx")])
    problems = owner.get(f"/library/drafts/{draft_id}/problems").get_data(as_text=True)
    assert "ruling_letter.docx" in problems and "cadre_salary" in problems
