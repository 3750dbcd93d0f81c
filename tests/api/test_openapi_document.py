"""The OpenAPI document at /api/v1/openapi.json: valid, complete for the contract, and browsable at /api/v1/docs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

PREFIX = "/api/v1"
ERROR_REF = "#/components/schemas/Error"


@dataclass(frozen=True)
class Operation:
    """What the contract promises for one operation: its request body, success responses and path parameters."""

    success: dict[str, str | None]
    request: tuple[str, str] | None = None
    path_types: dict[str, str] = field(default_factory=dict)
    has_query: bool = False
    public: bool = False


JSON = "application/json"
CASE_ID = {"case_id": "integer"}
TASK_ID = {"task_id": "string"}

# Success responses name a component schema ("Case"), the media type and type of a non-JSON body ("application/xml
# string"), or None for an empty body.
CONTRACT: dict[tuple[str, str], Operation] = {
    ("POST", "/auth/token"): Operation({"200": "Token"}, (JSON, "Credentials"), public=True),
    ("DELETE", "/auth/token"): Operation({"204": None}),
    ("GET", "/me"): Operation({"200": "Me"}),
    ("GET", "/processes"): Operation({"200": "ProcessList"}),
    ("GET", "/cases"): Operation({"200": "CaseList"}, has_query=True),
    ("POST", "/cases"): Operation({"201": "Case"}, (JSON, "StartCase")),
    ("GET", "/cases/{case_id}"): Operation({"200": "Case"}, path_types=CASE_ID),
    ("GET", "/cases/{case_id}/audit"): Operation({"200": "AuditList"}, path_types=CASE_ID, has_query=True),
    ("GET", "/cases/{case_id}/access-log"): Operation({"200": "AccessLog"}, path_types=CASE_ID),
    ("GET", "/cases/{case_id}/diagram"): Operation({"200": "application/xml string"}, path_types=CASE_ID, has_query=True),
    ("GET", "/cases/{case_id}/attachments"): Operation({"200": "AttachmentList"}, path_types=CASE_ID),
    ("POST", "/cases/{case_id}/attachments"): Operation(
        {"201": "Attachment"}, ("multipart/form-data", "AttachmentUpload"), CASE_ID),
    ("GET", "/cases/{case_id}/attachments/{attachment_id}"): Operation(
        {"200": "*/* string"}, path_types={**CASE_ID, "attachment_id": "integer"}),
    ("GET", "/cases/{case_id}/documents"): Operation({"200": "DocumentList"}, path_types=CASE_ID),
    ("GET", "/cases/{case_id}/documents/{document_id}"): Operation(
        {"200": "*/* string"}, path_types={**CASE_ID, "document_id": "integer"}, has_query=True),
    ("POST", "/cases/{case_id}/documents/{document_id}/corrections"): Operation(
        {"201": "Document"}, (JSON, "Correction"), {**CASE_ID, "document_id": "integer"}),
    ("GET", "/register"): Operation({"200": "RegisterList"}, has_query=True),
    ("GET", "/statistics"): Operation({"200": "Statistics"}, has_query=True),
    ("GET", "/warnings"): Operation({"200": "WarningList"}, has_query=True),
    ("GET", "/typical-cases"): Operation({"200": "TypicalCaseList"}, has_query=True),
    ("GET", "/typical-cases/{typical_id}"): Operation({"200": "TypicalCase"}, path_types={"typical_id": "integer"}),
    ("GET", "/filings"): Operation({"200": "FilingList"}, has_query=True),
    ("POST", "/filings"): Operation({"201": "Filing"}, (JSON, "NewFiling")),
    ("GET", "/filings/{filing_id}"): Operation({"200": "Filing"}, path_types={"filing_id": "integer"}),
    ("POST", "/warnings/{warning_id}/acknowledge"): Operation(
        {"200": "Warning"}, (JSON, "Acknowledge"), {"warning_id": "integer"}),
    ("GET", "/tasks"): Operation({"200": "TaskList"}, has_query=True),
    ("GET", "/tasks/{task_id}"): Operation({"200": "Task"}, path_types=TASK_ID),
    ("POST", "/tasks/{task_id}/claim"): Operation({"200": "Task"}, path_types=TASK_ID),
    ("POST", "/tasks/{task_id}/release"): Operation({"200": "Task"}, path_types=TASK_ID),
    ("POST", "/tasks/{task_id}/complete"): Operation({"200": "Completion"}, (JSON, "CompleteTask"), TASK_ID),
    ("POST", "/messages/{name}"): Operation({"200": "Case"}, (JSON, "Message"), {"name": "string"}),
    ("POST", "/deployments"): Operation({"200": "Deployment", "201": "Deployment"}, ("multipart/form-data", "Files")),
    ("GET", "/users"): Operation({"200": "UserList"}, has_query=True),
    ("POST", "/users"): Operation({"201": "User"}, (JSON, "NewUser")),
    ("POST", "/cases/repair"): Operation({"200": "OutcomeList"}, (JSON, "Repair")),
    ("POST", "/tasks/reassign"): Operation({"200": "TaskOutcomeList"}, (JSON, "Reassign")),
    ("POST", "/tasks/{task_id}/remind"): Operation({"200": "Reminded"}, (JSON, "Remind"), TASK_ID),
    ("GET", "/notifications"): Operation({"200": "NotificationList"}, has_query=True),
    ("POST", "/notifications/read"): Operation({"204": None}),
    ("GET", "/notifications/settings"): Operation({"200": "NoticeSettings"}),
    ("PUT", "/notifications/settings"): Operation({"200": "NoticeSettings"}, (JSON, "NoticeSettings")),
}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def document(http: FlaskClient) -> dict[str, Any]:
    """The document as a client fetches it: without a token."""
    response = http.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return dict(response.get_json())


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every documented operation by (METHOD, path below the API prefix)."""
    found = {}
    for path, item in document["paths"].items():
        assert path.startswith(f"{PREFIX}/"), path
        for method, operation in item.items():
            if method in METHODS:
                found[(method.upper(), path.removeprefix(PREFIX))] = operation
    return found


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A node with its local $ref (to a component) followed."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_name(schema: dict[str, Any]) -> str:
    """The component a schema refers to, or its inline type."""
    ref = schema.get("$ref", "")
    return str(ref.removeprefix("#/components/schemas/")) if ref else str(schema.get("type"))


def path_parameters(document: dict[str, Any], path: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Path parameters of an operation, declared on the path or on the operation."""
    declared = document["paths"][PREFIX + path].get("parameters", []) + operation.get("parameters", [])
    return {p["name"]: p for p in (resolve(document, d) for d in declared) if p["in"] == "path"}


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "v1"


def test_document_lists_exactly_the_operations_of_the_contract(document: dict[str, Any]) -> None:
    assert sorted(operations(document)) == sorted(CONTRACT)


@pytest.mark.parametrize("key", list(CONTRACT), ids=[f"{m} {p}" for m, p in CONTRACT])
def test_operation_documents_its_request_and_success_response(document: dict[str, Any], key: tuple[str, str]) -> None:
    promised = CONTRACT[key]
    operation = operations(document)[key]
    assert operation.get("summary"), "every operation says what it does"

    body = operation.get("requestBody")
    if promised.request is None:
        assert body is None
    else:
        media_type, name = promised.request
        assert body is not None and body["required"] is True
        assert list(body["content"]) == [media_type]
        assert schema_name(body["content"][media_type]["schema"]) == name
        assert resolve(document, body["content"][media_type]["schema"])["type"] == "object"

    responses = {status: resolve(document, r) for status, r in operation["responses"].items()}
    success = {status: r for status, r in responses.items() if status.startswith("2")}
    assert sorted(success) == sorted(promised.success)
    for status, expected in promised.success.items():
        content = success[status].get("content")
        if expected is None:
            assert not content, f"{status} has no body"
            continue
        assert content, f"{status} documents its body"
        if " " in expected:
            media_type, kind = expected.split(" ")
            assert list(content) == [media_type]
            assert content[media_type]["schema"]["type"] == kind
        else:
            assert list(content) == [JSON]
            assert schema_name(content[JSON]["schema"]) == expected
            assert expected in document["components"]["schemas"]

    params = path_parameters(document, key[1], operation)
    assert {name: p["schema"]["type"] for name, p in params.items()} == promised.path_types
    assert all(p["required"] for p in params.values())
    if promised.has_query:
        assert any(resolve(document, p)["in"] == "query" for p in operation.get("parameters", []))


@pytest.mark.parametrize("key", list(CONTRACT), ids=[f"{m} {p}" for m, p in CONTRACT])
def test_operation_errors_use_the_error_shape(document: dict[str, Any], key: tuple[str, str]) -> None:
    promised = CONTRACT[key]
    operation = operations(document)[key]
    responses = {status: resolve(document, r) for status, r in operation["responses"].items()}
    errors = {status: r for status, r in responses.items() if status == "default" or status[0] in "45"}
    assert "default" in errors, "unexpected failures (500) are documented too"
    assert "401" in errors, "a missing or wrong token, or wrong credentials, answer 401"
    if promised.request is not None or promised.has_query:
        assert "400" in errors, "invalid input answers 400"
    for status, response in errors.items():
        assert response.get("description"), status
        assert list(response["content"]) == [JSON], status
        assert response["content"][JSON]["schema"] == {"$ref": ERROR_REF}, status


def test_error_schema_is_error_code_message_fields(document: dict[str, Any]) -> None:
    error = resolve(document, {"$ref": ERROR_REF})
    assert error["type"] == "object"
    assert error["required"] == ["error"]
    assert list(error["properties"]) == ["error"]
    body = resolve(document, error["properties"]["error"])
    assert set(body["properties"]) == {"code", "message", "fields"}
    assert set(body["required"]) >= {"code", "message"}
    assert body["properties"]["code"]["type"] == "string"
    assert body["properties"]["message"]["type"] == "string"
    assert body["properties"]["fields"]["type"] == "object"


def test_bearer_tokens_are_required_everywhere_but_on_signing_in(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    assert document["security"] == [{"bearerAuth": []}]
    for key, operation in operations(document).items():
        security = operation.get("security", document["security"])
        if CONTRACT[key].public:
            assert security == [], f"{key} is public"
        else:
            assert security == [{"bearerAuth": []}], f"{key} needs a token"


def test_documented_public_operation_really_needs_no_token(http: FlaskClient) -> None:
    response = http.post(f"{PREFIX}/auth/token", json={"username": "applicant", "password": "Lantern-Meadow-2718"},
                         headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200
    assert response.get_json()["token"]
    refused = http.get(f"{PREFIX}/me")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"


def test_swagger_ui_renders_with_assets_served_locally(http: FlaskClient) -> None:
    with http.get(f"{PREFIX}/docs") as page:
        assert page.status_code == 200
        assert page.mimetype == "text/html"
        html = page.get_data(as_text=True)
    assert f'url: "{PREFIX}/openapi.json"' in html
    assert "SwaggerUIBundle(" in html
    assert not re.search(r"(https?:)?//[\w.-]+\.\w+/", html), "no asset comes from another host (CDN)"

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == sorted(f"/vendor/swagger-ui-dist/{name}" for name in (
        "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"))
    for url in assets:
        with http.get(url) as asset:
            assert asset.status_code == 200, url
            assert asset.mimetype == ("text/css" if url.endswith(".css") else "text/javascript"), url
            assert len(asset.get_data()) > 1000, url


def test_docs_assets_expose_nothing_else_of_the_installed_packages(http: FlaskClient) -> None:
    for name in ("package.json", "index.html", "..%2Fswagger-ui-dist%2Fpackage.json"):
        with http.get(f"/vendor/swagger-ui-dist/{name}") as response:
            assert response.status_code == 404, name
