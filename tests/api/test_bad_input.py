"""Bad input is refused with a 4xx in the API's error shape, never a 500: deep JSON, lone surrogates, oversized bodies."""

from __future__ import annotations

import io
import json
import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.procedure import services
from tests.support.bpmn import FIXTURES, mini_files
from tests.support.cases import snapshot
from tests.support.client import ApiUser, act, start

TOKEN_PATH = "/api/v1/auth/token"
LONE_SURROGATE = "不能包含无效的 Unicode 字符（孤立的代理项）"
MAX_JSON_BYTES = 1024 * 1024
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "options", "head"})
# Bodies no client should send; every one of them is written by hand, so json.dumps cannot repair it.
BAD_BODIES: dict[str, str] = {
    "nested-arrays": "[" * 50_000,
    "nested-objects": '{"a":' * 50_000,
    "just-too-deep": '{"data": ' + "[" * 64 + "]" * 64 + "}",
    "surrogate-value": '{"username": "\\ud800", "password": "x", "data": {"note": "a\\udfffb"}, "payload": "\\ud800"}',
    "surrogate-key": '{"\\ud800": 1, "data": {"\\udc00x": "y"}}',
    "not-a-number": '{"payload": NaN, "data": {"amount": Infinity}}',
}
SURROGATE_BODIES = ("surrogate-value", "surrogate-key")


def json_operations(http: FlaskClient) -> list[tuple[str, str]]:
    """(method, path) of every operation whose document says it takes a JSON body; new ones are covered on their own."""
    document = http.get("/api/v1/openapi.json").get_json()
    found = [(method.upper(), path) for path, item in document["paths"].items() for method, operation in item.items()
             if method in HTTP_METHODS and "application/json" in operation.get("requestBody", {}).get("content", {})]
    assert ("POST", "/api/v1/auth/token") in found and len(found) >= 8
    return found


def body_operations(app: Flask) -> list[tuple[str, str]]:
    """(method, rule) of every API route that could be sent a body, whether or not it reads one."""
    return [(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
            for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"})]


def concrete(path: str, case_id: int) -> str:
    """The path with its parameters filled in (document {name} or routing <type:name> style)."""
    values = {"case_id": str(case_id), "task_id": str(uuid.uuid4()), "name": "supplement_received",
              "draft_id": "1", "document_id": "1", "warning_id": "1"}
    return re.sub(r"[{<](?:[a-z]+:)?([a-z_]+)[}>]", lambda m: values.get(m.group(1), "x"), path)


def send(http: FlaskClient, method: str, path: str, body: str, token: str | None) -> TestResponse:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.open(path, method=method, data=body.encode("utf-8", "surrogatepass"),
                     content_type="application/json", headers=headers)


def assert_error_shape(response: TestResponse) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return dict(body["error"])


@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_every_json_operation_refuses_bad_bodies_with_400(kind: str, http: FlaskClient, everyone: ApiUser,
                                                          users: dict[str, ApiUser]) -> None:
    case_id = start(users)["id"]
    failures = []
    for method, path in json_operations(http):
        for token in (everyone.token, None):
            response = send(http, method, concrete(path, case_id), BAD_BODIES[kind], token)
            # Without a token the token check comes first, except where a token is what is asked for.
            expected = 400 if token or path == TOKEN_PATH else 401
            if response.status_code != expected:
                failures.append((method, path, bool(token), response.status_code, response.get_data(as_text=True)[:200]))
                continue
            error = assert_error_shape(response)
            if expected == 400 and kind in SURROGATE_BODIES:
                named = [field for field, messages in error["fields"].items() if LONE_SURROGATE in messages]
                if not named:
                    failures.append((method, path, bool(token), "no field message", error))
    assert not failures


@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_no_route_answers_a_bad_body_with_a_server_error(kind: str, app: Flask, http: FlaskClient,
                                                         everyone: ApiUser, users: dict[str, ApiUser]) -> None:
    case_id = start(users)["id"]
    errors = [(method, rule, response.status_code) for method, rule in body_operations(app)
              if (response := send(http, method, concrete(rule, case_id), BAD_BODIES[kind], everyone.token))
              .status_code >= 500]
    assert not errors


def test_json_bodies_larger_than_the_bound_are_refused_with_413(users: dict[str, ApiUser]) -> None:
    big = json.dumps({"process_id": "rcjc_case", "data": {"facts": "x" * MAX_JSON_BYTES}})
    refused = users["applicant"].call("POST", "/cases", 413, data=big, content_type="application/json")
    assert refused["error"]["code"] == "too_large"
    token = users["applicant"].http.post(TOKEN_PATH, data=big, content_type="application/json")
    assert token.status_code == 413 and assert_error_shape(token)["code"] == "too_large"


def case_state(users: dict[str, ApiUser], case_id: int) -> tuple[Any, ...]:
    """What a refused message must leave as it was: the data, the open tasks, the history and the lock version."""
    case = users["supervisor"].get(f"/cases/{case_id}")
    audit = users["supervisor"].get(f"/cases/{case_id}/audit")
    return case["data"], case["open_tasks"], case["history"], case["lock_version"], audit["total"]


def test_an_oversized_message_payload_is_refused_and_nothing_is_stored(users: dict[str, ApiUser]) -> None:
    case = start(users)
    act(users["intake"], case["open_tasks"][0]["id"], {"acceptance": "supplement", "acceptance_reason": "缺材料"})
    before = case_state(users, case["id"])
    nine_mb = {"correlation": {"case_id": case["id"]}, "payload": {"files": ["纪要.pdf"], "text": "材" * (3 * 1024 * 1024)}}
    huge = users["applicant"].post("/messages/supplement_received", nine_mb, expect=413)
    assert huge["error"]["code"] == "too_large"
    just_over = {"correlation": {"case_id": case["id"]}, "payload": {"files": ["纪要.pdf"], "text": "x" * (64 * 1024)}}
    refused = users["applicant"].post("/messages/supplement_received", just_over, expect=400)
    assert refused["error"]["fields"]["payload"][0].startswith("消息内容过大")
    for number in ("NaN", "Infinity", "1e999"):  # JSON has no such numbers, and PostgreSQL's json columns refuse them
        body = f'{{"correlation": {{"case_id": {case["id"]}}}, "payload": {{"ratio": {number}}}}}'
        users["applicant"].call("POST", "/messages/supplement_received", 400, data=body, content_type="application/json")
    assert case_state(users, case["id"]) == before
    done = users["applicant"].post("/messages/supplement_received",
                                   {"correlation": {"case_id": case["id"]}, "payload": {"files": ["纪要.pdf"]}})
    assert [t["bpmn_id"] for t in done["open_tasks"]] == ["acceptance_review"]


def test_a_too_long_text_field_without_its_own_limit_is_refused_and_the_task_stays_open(
    users: dict[str, ApiUser], deployed: EngineContext, people: dict[str, Actor]
) -> None:
    review = json.loads((FIXTURES / "mini" / "mini_review.json").read_text(encoding="utf-8"))
    review["components"] += [{"id": "Field_note", "key": "note", "type": "textarea", "label": "说明"},
                             {"id": "Field_ref", "key": "ref", "type": "textfield", "label": "文号"}]
    deploy(deployed, SYSTEM, {**mini_files(), "mini_review.json": json.dumps(review, ensure_ascii=False).encode()})
    started = services.start_case(deployed, people["intake"], "mini", "standard", {"title": "测试"})
    case_id, task_id = started.case_id, started.open_task_ids[0]
    before = snapshot(deployed, case_id)
    intake = users["intake"]
    intake.post(f"/tasks/{task_id}/claim")
    claimed = snapshot(deployed, case_id)
    refused = intake.post(f"/tasks/{task_id}/complete",
                          {"data": {"decision": "yes", "note": "字" * 10_001, "ref": "号" * 501}}, expect=400)
    assert refused["error"]["fields"] == {"note": ["长度不能超过 10000 个字符"], "ref": ["长度不能超过 500 个字符"]}
    assert snapshot(deployed, case_id) == claimed and claimed[0] >= before[0]
    assert intake.get(f"/tasks/{task_id}")["id"] == task_id
    done = intake.post(f"/tasks/{task_id}/complete", {"data": {"decision": "yes", "note": "字" * 10_000, "ref": "号" * 500}})
    assert done["status"] == "completed"


@pytest.mark.parametrize(("content", "reason"), [
    (b"[" * 50_000, "嵌套层级过深"),
    (b'{"id": "odd", "components": [{"type": "textfield", "key": "a", "label": "\\ud800"}]}', "孤立的代理项"),
    (b'{"id": "nan", "components": [{"type": "number", "key": "a", "defaultValue": NaN}]}', "NaN"),
], ids=["deep", "surrogate", "nan"])
def test_deployments_refuse_form_files_that_cannot_be_kept(content: bytes, reason: str, users: dict[str, ApiUser]) -> None:
    refused = users["owner"].post("/deployments", data={"files": [(io.BytesIO(content), "odd.json")]},
                                  content_type="multipart/form-data", json=None, expect=422)
    problems = refused["error"]["fields"]["problems"]
    assert problems[0]["file"] == "odd.json" and reason in problems[0]["reason"]
