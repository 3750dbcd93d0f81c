"""The unit permission matrix: every route that names a case or task × every group × own unit and other unit.

The case belongs to 示例区发展和改革局 (the applicant's unit) and waits for that unit to supplement materials;
other_applicant belongs to another unit. Every caller is asked every route; the statuses must be these,
and no answer to someone who may not read the case carries any of its data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access.policy import Actor
from tests.support import files
from tests.support.client import ApiUser, sign_in
from tests.support.documents import issue_letter
from tests.support.driver import APPLICATION
from tests.support.pages import new_browser
from tests.support.signs import raise_sign

CALLERS = ["applicant", "other_applicant", "accountability", "intake", "investigator", "committee1", "chair",
           "supervisor", "orgdept", "owner", "admin"]
SUPPLEMENT = {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要", "supplement_request": "请补充党组会议纪要"}
# Who may read the case: its own unit, the intake department that handled it, and supervisors.
READERS = {"applicant", "intake", "supervisor"}


@dataclass
class World:
    """The case waiting at its unit's supplement step, and a signed-in API caller per person."""

    callers: dict[str, ApiUser]
    case_id: int
    task_id: str
    attachment_id: int
    document_id: int
    warning_id: int


@pytest.fixture
def world(http: FlaskClient, people: dict[str, Actor]) -> World:
    callers = {name: sign_in(http, name) for name in CALLERS}
    case = callers["applicant"].post("/cases", {"process_id": "rcjc_case", "data": APPLICATION}, expect=201)
    review = case["open_tasks"][0]["id"]
    callers["intake"].post(f"/tasks/{review}/claim")
    callers["intake"].post(f"/tasks/{review}/complete", {"data": SUPPLEMENT})
    task = [t for t in callers["supervisor"].get(f"/cases/{case['id']}")["open_tasks"] if t["bpmn_id"] == "supplement"]
    added = upload(callers["applicant"], case["id"], 201)
    ctx = http.application.extensions["rcjc"]
    return World(callers, case["id"], task[0]["id"], added["id"], issue_letter(ctx, case["id"]), raise_sign(ctx, case["id"]))


def upload(caller: ApiUser, case_id: int, expect: int | None = None) -> Any:
    """Attach a PDF to the case."""
    return caller.call("POST", f"/cases/{case_id}/attachments", expect, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(files.PDF), "evidence.pdf")})


def statuses(allowed: dict[str, int], refused: int) -> dict[str, int]:
    """The expected status per caller."""
    return {name: allowed.get(name, refused) for name in CALLERS}


APPLICATION_UNIT = "示例区发展和改革局"
READ = statuses({name: 200 for name in READERS}, 404)
Call = Callable[[ApiUser, World], Any]

ROUTES: dict[str, tuple[Call, dict[str, int]]] = {
    "GET /cases/{id}": (lambda u, w: u.call("GET", f"/cases/{w.case_id}", None), READ),
    "GET /cases/{id}/audit": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/audit", None), READ),
    "GET /cases/{id}/diagram": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/diagram", None), READ),
    "GET /cases/{id}/access-log": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/access-log", None),
                                   statuses({"supervisor": 200, "applicant": 403, "intake": 403}, 404)),
    "GET /cases?q=": (lambda u, w: u.call("GET", "/cases", None, query_string={"q": APPLICATION["matter"]}),
                      statuses({}, 200)),
    "GET /cases/{id}/attachments": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/attachments", None), READ),
    "GET /cases/{id}/attachments/{id}": (
        lambda u, w: u.call("GET", f"/cases/{w.case_id}/attachments/{w.attachment_id}", None, buffered=True), READ),
    # Readers who handle the case's steps may attach files: all readers here (intake, its unit, supervisors).
    "GET /cases/{id}/documents": (lambda u, w: u.call("GET", f"/cases/{w.case_id}/documents", None), READ),
    "GET /cases/{id}/documents/{id}": (
        lambda u, w: u.call("GET", f"/cases/{w.case_id}/documents/{w.document_id}?format=pdf", None, buffered=True), READ),
    # The letter was issued by the chair's step: of its readers only supervisors may correct it.
    "POST /cases/{id}/documents/{id}/corrections": (
        lambda u, w: u.call("POST", f"/cases/{w.case_id}/documents/{w.document_id}/corrections", None,
                            json={"reason": "文字有误"}),
        statuses({"supervisor": 201, "applicant": 403, "intake": 403}, 404)),
    "POST /cases/{id}/attachments": (lambda u, w: upload(u, w.case_id), statuses({n: 201 for n in READERS}, 404)),
    "GET /tasks": (lambda u, w: u.call("GET", "/tasks", None, query_string={"per_page": 100}), statuses({}, 200)),
    # The cadre register is kept by the organization department and read by supervisors: no one else looks a cadre up.
    "GET /register": (lambda u, w: u.call("GET", "/register", None, query_string={"name": APPLICATION["cadre_name"]}),
                      statuses({"supervisor": 200, "orgdept": 200}, 403)),
    # The district's figures: its readers see every unit's, each applicant organization its own unit's only.
    "GET /statistics": (lambda u, w: u.call("GET", "/statistics", None),
                        statuses({n: 200 for n in ("supervisor", "orgdept", "chair", "applicant", "other_applicant")}, 403)),
    "GET /statistics?unit=(the case's)": (
        lambda u, w: u.call("GET", "/statistics", None, query_string={"unit": APPLICATION_UNIT}),
        statuses({n: 200 for n in ("supervisor", "orgdept", "chair", "applicant")}, 403)),
    # The typical case library is for everyone to read.
    "GET /typical-cases": (lambda u, w: u.call("GET", "/typical-cases", None), statuses({}, 200)),
    # Warning signs are the supervisors' to list and acknowledge.
    "GET /warnings": (lambda u, w: u.call("GET", "/warnings", None), statuses({"supervisor": 200}, 403)),
    "POST /warnings/{id}/acknowledge": (
        lambda u, w: u.call("POST", f"/warnings/{w.warning_id}/acknowledge", None, json={"note": "已核实"}),
        statuses({"supervisor": 200}, 403)),
    "GET /tasks/{id}": (lambda u, w: u.call("GET", f"/tasks/{w.task_id}", None), READ),
    "POST /tasks/{id}/remind": (lambda u, w: u.call("POST", f"/tasks/{w.task_id}/remind", None, json={}),
                                statuses({"supervisor": 200}, 403)),
    "POST /tasks/{id}/release": (lambda u, w: u.call("POST", f"/tasks/{w.task_id}/release", None),
                                 statuses({"supervisor": 200}, 403)),
    "POST /tasks/reassign (to another unit)": (
        lambda u, w: u.call("POST", "/tasks/reassign", None, json={"task_ids": [w.task_id], "assignee": "other_applicant"}),
        statuses({"supervisor": 200}, 403)),
    "POST /tasks/{id}/claim": (lambda u, w: u.call("POST", f"/tasks/{w.task_id}/claim", None),
                               statuses({"applicant": 200}, 403)),
    "POST /tasks/{id}/complete": (
        lambda u, w: u.call("POST", f"/tasks/{w.task_id}/complete", None,
                            json={"data": {"supplement_materials": "已补充会议纪要"}}),
        statuses({"applicant": 200}, 403)),
}


def carries_case_data(body: Any) -> bool:
    """Whether an answer carries any of the case's own data."""
    text = json.dumps(body, ensure_ascii=False) if not hasattr(body, "get_data") else body.get_data(as_text=True)
    return any(str(APPLICATION[k]) in text for k in ("cadre_name", "matter", "facts", "evidence_list"))


@pytest.mark.parametrize("route", list(ROUTES))
def test_unit_matrix(world: World, route: str) -> None:
    call, expected = ROUTES[route]
    # The one allowed to change state goes last, so that everyone else is refused on the same state.
    order = sorted(expected, key=lambda name: expected[name] < 400 and route.startswith("POST"))
    seen = {}
    for name in order:
        body = call(world.callers[name], world)
        seen[name] = world.callers[name].calls[-1][2]
        if name not in READERS:
            assert not carries_case_data(body), f"{route} shows the case to {name}"
    mismatches = {name: (seen[name], expected[name]) for name in expected if seen[name] != expected[name]}
    assert not mismatches, f"{route}: (got, expected) {mismatches}"


def ui_routes(app: Flask) -> list[tuple[str, str]]:
    """The pages (GET) that name one case or one task, as (rule, the argument they name)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("ui_") or "GET" not in (rule.methods or ()):
            continue
        named = {"case_id", "task_id"} & set(rule.arguments)
        if named:
            found.append((rule.rule, named.pop()))
    return sorted(found)


# Pages that act, not only read: readers who may not act are refused (403); others still find nothing (404).
PAGE_EXCEPTIONS = {
    "/cases/<int:case_id>/documents/<int:document_id>/correct": {"applicant": 403, "intake": 403},
    # Supervisors' page: everyone else is refused before any task is looked up.
    "/dashboard/tasks/<task_id>/reassign": {name: 403 for name in CALLERS if name != "supervisor"},
}


def test_every_page_naming_a_case_or_task_follows_the_same_rule(app: Flask, world: World) -> None:
    routes = ui_routes(app)
    assert {"/cases/<int:case_id>", "/cases/<int:case_id>/diagram.bpmn", "/tasks/<task_id>"} <= {r for r, _ in routes}
    for name in CALLERS:
        visitor = new_browser(app, name)
        for rule, argument in routes:
            value = world.case_id if argument == "case_id" else world.task_id
            path = rule.replace(f"<int:{argument}>", str(value)).replace(f"<{argument}>", str(value))
            path = path.replace("<int:attachment_id>", str(world.attachment_id))
            path = path.replace("<int:document_id>", str(world.document_id)).replace("<fmt>", "pdf")
            page = visitor.get(path, buffered=True)
            expected = PAGE_EXCEPTIONS.get(rule, {}).get(name) or (200 if name in READERS else 404)
            assert page.status_code == expected, f"{name} {path}: {page.status_code}"
            if name not in READERS:
                assert not carries_case_data(page), f"{path} shows the case to {name}"


def test_pages_that_act_on_a_task_refuse_another_unit(app: Flask, world: World) -> None:
    other = new_browser(app, "other_applicant")
    other.get("/inbox")
    assert world.task_id not in other.get("/inbox").get_data(as_text=True)
    other.post(f"/tasks/{world.task_id}/claim")
    submitted = other.post(f"/tasks/{world.task_id}", {"action": "complete", "supplement_materials": "伪造的材料"})
    assert submitted.status_code == 404
    task = world.callers["supervisor"].get(f"/tasks/{world.task_id}")
    assert task["assignee"] is None  # neither claimed nor completed by the other unit
    own = new_browser(app, "applicant")
    own.get(f"/tasks/{world.task_id}")
    own.post(f"/tasks/{world.task_id}/claim")
    own.get(f"/tasks/{world.task_id}")
    done = own.post(f"/tasks/{world.task_id}", {"action": "complete", "supplement_materials": "已补充会议纪要"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{world.case_id}")
