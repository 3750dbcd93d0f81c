"""Task ids are parsed by the router for pages and API alike; engine errors on pages become the error pages."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from engine.access.policy import Actor
from engine.errors import Conflict, EngineError, Forbidden
from engine.errors import NotFound as EngineNotFound
from tests.support.pages import first_task, new_browser, start_case
from webapp.ui.errors import engine_error_page

MALFORMED = ("not-a-task", "1", "x" * 40, "%00")


def task_rules(app: Flask) -> list[tuple[str, str]]:
    """(rule, a method it answers) of every route naming a task in its URL."""
    return [(rule.rule, sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})[0])
            for rule in app.url_map.iter_rules() if "task_id" in rule.arguments]


def test_every_route_naming_a_task_takes_only_task_ids(app: Flask) -> None:
    rules = task_rules(app)
    assert {"/tasks/<task_id>", "/api/v1/tasks/<task_id>", "/dashboard/tasks/<task_id>/remind"} <= {r for r, _ in rules}
    adapter = app.url_map.bind("localhost")
    task_id = uuid.uuid4()
    for rule, method in rules:
        for text in MALFORMED:
            with pytest.raises(NotFound):
                adapter.match(rule.replace("<task_id>", text), method)
        # Any spelling of the id reaches the view in the engine's canonical form.
        for spelling in (str(task_id).upper(), task_id.hex):
            _endpoint, values = adapter.match(rule.replace("<task_id>", spelling), method)
            assert values["task_id"] == str(task_id), rule


def test_malformed_task_ids_are_not_found_before_any_view(app: Flask, people: dict[str, Actor]) -> None:
    anonymous = new_browser(app)
    assert anonymous.get("/tasks/not-a-task").status_code == 404  # no view ran: not even the sign-in redirect
    intake = new_browser(app, "intake")
    page = intake.get("/tasks/not-a-task")
    assert page.status_code == 404 and page.mimetype == "text/html" and "页面不存在或您无权查看" in page.get_data(as_text=True)
    intake.get("/inbox")
    assert intake.post("/tasks/not-a-task/claim").status_code == 404
    assert intake.post("/tasks/not-a-task", {"action": "save"}).status_code == 404  # not 405: the GET route is no match


def test_a_task_page_opens_under_any_spelling_of_its_id(app: Flask, people: dict[str, Actor]) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = new_browser(app, "intake")
    assert intake.get(f"/tasks/{task_id.upper()}").status_code == 200


def test_unknown_urls_are_json_under_the_api_and_pages_elsewhere(app: Flask, people: dict[str, Actor]) -> None:
    client = app.test_client()
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
    task = client.get("/api/v1/tasks/not-a-task")
    assert task.status_code == 404 and task.get_json()["error"]["code"] == "not_found"
    page = client.get("/nowhere", base_url="https://localhost")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("error", "status", "shown"), [
    (EngineNotFound("案件 7 不存在"), 404, False),
    (Forbidden("您不是监督人员"), 403, False),
    (Conflict("数据已被他人更新"), 409, True),
])
def test_engine_errors_no_page_handles_become_error_pages(app: Flask, error: EngineError, status: int, shown: bool) -> None:
    with app.test_request_context("/cases/7"):
        response = app.make_response(engine_error_page(error))
    assert response.status_code == status and response.mimetype == "text/html"
    assert (str(error) in response.get_data(as_text=True)) is shown  # what is hidden or forbidden is not described
