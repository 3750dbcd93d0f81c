"""Input no one should send (files nested without end, text no database stores, odd numbers) is refused, never a 500."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library
from tests.support.pages import first_task, new_browser, start_case, upload

DEEP = b"[" * 50_000
DEEP_FORM = b'{"id": "deep", "components": ' + b"[" * 500 + b"]" * 500 + b"}"
SURROGATE_FORM = b'{"id": "odd", "components": [{"type": "textfield", "key": "a", "label": "\\ud800"}]}'
BAD_FORMS = {"deep.json": (DEEP, "嵌套层级过深"), "deeper.json": (DEEP_FORM, "嵌套层级过深"),
             "odd.json": (SURROGATE_FORM, "孤立的代理项")}


@pytest.mark.parametrize("name", list(BAD_FORMS))
def test_a_draft_refuses_form_files_that_cannot_be_kept(name: str, app: Flask, people: dict[str, Actor]) -> None:
    content, reason = BAD_FORMS[name]
    owner = new_browser(app, "owner")
    owner.get("/library")
    response = upload(owner, "/library/drafts", {"name": "坏表单"}, [(content, name)])
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = owner.get(response.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]
    assert f"{name} 未被接受" in page and reason in page


def test_the_modeler_cannot_save_a_form_that_cannot_be_kept(app: Flask, deployed: EngineContext,
                                                             people: dict[str, Actor]) -> None:
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "草稿", {})
    owner = new_browser(app, "owner")
    owner.get("/inbox")
    for name, (content, reason) in BAD_FORMS.items():
        response = owner.client.post(f"/library/drafts/{draft_id}/files/{name}/save", data=content,
                                     base_url="https://localhost",
                                     headers={"Referer": "https://localhost/", "X-CSRFToken": owner.token,
                                              "Content-Type": "application/json"})
        assert response.status_code == 400 and reason in response.get_json()["error"], name


def test_a_holiday_schedule_nested_without_end_is_refused(app: Flask, people: dict[str, Actor]) -> None:
    admin = new_browser(app, "admin")
    admin.get("/admin/calendar")
    for content in (DEEP, b'{"year": ' + b"9" * 5000 + b"}", b'{"year": NaN}'):
        refused = admin.post("/admin/calendar", {"schedule": (io.BytesIO(content), "2027.json")})
        assert refused.status_code == 400 and "2027.json" in refused.get_data(as_text=True)


# Both pass str.isdigit, and int() refuses both.
ODD_NUMBERS = ["²", "9" * 5000]


@pytest.mark.parametrize("number", ODD_NUMBERS, ids=["superscript", "5000-digits"])
def test_odd_numbers_in_posted_forms_are_no_server_error(number: str, app: Flask, deployed: EngineContext,
                                                         people: dict[str, Actor]) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = new_browser(app, "intake")
    intake.get("/inbox")
    intake.post(f"/tasks/{task_id}/claim")
    intake.get(f"/tasks/{task_id}")
    refused = intake.post(f"/tasks/{task_id}", {"action": "complete", "expected_version": number})
    assert refused.status_code == 400 and "此项为必填项" in refused.get_data(as_text=True)

    supervisor = new_browser(app, "supervisor")
    supervisor.get("/dashboard")
    bulk = supervisor.post("/dashboard/repair", {"action": "suspend", "reason": "核查", "case_ids": number})
    assert bulk.status_code == 302
    assert "请选择案件和操作" in supervisor.get(bulk.headers["Location"]).get_data(as_text=True)

    owner = new_browser(app, "owner")
    owner.get("/library")
    assert owner.post("/library/drafts", {"name": "草稿", "from_deployment": number}).status_code < 500
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "草稿", {})
    owner.get(f"/library/drafts/{draft_id}")
    assert owner.post(f"/library/drafts/{draft_id}/deploy", {"revision": number}).status_code < 500
    saved = owner.client.post(f"/library/drafts/{draft_id}/files/a.bpmn/save", data=b"<x/>", base_url="https://localhost",
                              headers={"Referer": "https://localhost/", "X-CSRFToken": owner.token,
                                       "Content-Type": "application/xml",
                                       "X-Draft-Revision": number.encode("utf-8").decode("latin-1")})
    assert saved.status_code < 500
    assert supervisor.get("/cases", query_string={"page": number}).status_code == 200
