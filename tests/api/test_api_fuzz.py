"""Every operation of the API, fed generated valid and invalid requests, keeps to the API's own OpenAPI document."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema

from tests.support import files
from tests.support.client import ApiUser, sign_in
from tests.support.documents import issue_letter
from tests.support.driver import APPLICATION
from tests.support.signs import raise_sign

# The contract: every operation the API offers; each one is fuzzed on its own fresh database.
OPERATIONS: list[tuple[str, str]] = [
    ("POST", "/api/v1/auth/token"),
    ("DELETE", "/api/v1/auth/token"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/processes"),
    ("GET", "/api/v1/cases"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{case_id}"),
    ("GET", "/api/v1/cases/{case_id}/audit"),
    ("GET", "/api/v1/cases/{case_id}/access-log"),
    ("GET", "/api/v1/cases/{case_id}/diagram"),
    ("GET", "/api/v1/cases/{case_id}/attachments"),
    ("POST", "/api/v1/cases/{case_id}/attachments"),
    ("GET", "/api/v1/cases/{case_id}/attachments/{attachment_id}"),
    ("GET", "/api/v1/cases/{case_id}/documents"),
    ("GET", "/api/v1/cases/{case_id}/documents/{document_id}"),
    ("POST", "/api/v1/cases/{case_id}/documents/{document_id}/corrections"),
    ("GET", "/api/v1/register"),
    ("GET", "/api/v1/statistics"),
    ("GET", "/api/v1/warnings"),
    ("POST", "/api/v1/warnings/{warning_id}/acknowledge"),
    ("GET", "/api/v1/typical-cases"),
    ("GET", "/api/v1/typical-cases/{typical_id}"),
    ("GET", "/api/v1/filings"),
    ("POST", "/api/v1/filings"),
    ("GET", "/api/v1/filings/{filing_id}"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{task_id}"),
    ("POST", "/api/v1/tasks/{task_id}/claim"),
    ("POST", "/api/v1/tasks/{task_id}/release"),
    ("POST", "/api/v1/tasks/{task_id}/complete"),
    ("POST", "/api/v1/messages/{name}"),
    ("POST", "/api/v1/deployments"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/cases/repair"),
    ("POST", "/api/v1/tasks/reassign"),
    ("POST", "/api/v1/tasks/{task_id}/remind"),
    ("GET", "/api/v1/notifications"),
    ("POST", "/api/v1/notifications/read"),
    ("GET", "/api/v1/notifications/settings"),
    ("PUT", "/api/v1/notifications/settings"),
]

# No 500s; only documented status codes, content types, headers and bodies; invalid input refused; auth enforced.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, ignored_auth]

# The application's free-text fields, filled with generated text (empty, long, any script, control characters).
APPLICATION_TEXTS = ["cadre_name", "cadre_unit", "cadre_position", "matter", "facts", "evidence_list"]

FUZZ_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                HealthCheck.data_too_large])


@dataclass(frozen=True)
class Existing:
    """Things that exist in the database, so that generated requests get past 404 too."""

    case_id: int
    task_id: str
    attachment_id: int
    document_id: int
    warning_id: int
    message: str = "supplement_received"


@pytest.fixture
def existing(users: dict[str, ApiUser], app: Flask) -> Existing:
    """A case the applicant organization started, with its first task open."""
    case = users["applicant"].post("/cases", {"process_id": "rcjc_case", "entry": "application", "data": APPLICATION},
                                   expect=201)
    added = users["applicant"].call("POST", f"/cases/{case['id']}/attachments", 201, content_type="multipart/form-data",
                                    data={"file": (io.BytesIO(files.PDF), "evidence.pdf")})
    return Existing(case["id"], case["open_tasks"][0]["id"], added["id"], issue_letter(app.extensions["rcjc"], case["id"]),
                    raise_sign(app.extensions["rcjc"], case["id"]))



@pytest.fixture
def api_schema(app: Flask, everyone: ApiUser) -> BaseSchema:
    """The app's own document, every generated request carrying the token of the user in every group."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.update(headers={"Authorization": f"Bearer {everyone.token}"})
    return schema


def requests_for(operation: APIOperation, existing: Existing) -> st.SearchStrategy[Case]:
    """Valid and invalid requests for the operation, some of them naming an existing case, task and message."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    known: dict[str, Any] = {"case_id": existing.case_id, "task_id": existing.task_id, "name": existing.message,
                             "attachment_id": existing.attachment_id, "document_id": existing.document_id,
                             "warning_id": existing.warning_id, "typical_id": 1, "filing_id": 1}
    path_names = [p.name for p in operation.path_parameters]
    if path_names:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE,
                                                path_parameters={n: known[n] for n in path_names}))
    if operation.label == "POST /api/v1/messages/{name}":
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"name": existing.message})
                          .map(lambda case: _with_body(case, correlation={"case_id": existing.case_id})))
    if operation.label == "POST /api/v1/cases":
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE)
                          .map(lambda case: _with_body(case, process_id="rcjc_case", entry="application")))
        texts = st.dictionaries(st.sampled_from(APPLICATION_TEXTS), st.text(max_size=60), min_size=1, max_size=3)
        strategies.append(st.tuples(operation.as_strategy(GenerationMode.POSITIVE), texts).map(
            lambda drawn: _with_body(drawn[0], process_id="rcjc_case", entry="application",
                                     data={**APPLICATION, **drawn[1]})))
    return st.one_of(strategies)


def _with_body(case: Case, **values: Any) -> Case:
    """The case with some body properties replaced by valid values that name existing things."""
    assert isinstance(case.body, dict)
    case.body = {**case.body, **values}
    return case


def fresh_token(http: FlaskClient) -> str:
    """A token of its own for a request that revokes the token it carries."""
    return sign_in(http, "everyone").token


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_keeps_to_the_document(method: str, path: str, api_schema: BaseSchema, existing: Existing,
                                         http: FlaskClient) -> None:
    operation = api_schema[path][method]
    revokes_its_token = (method, path) == ("DELETE", "/api/v1/auth/token")

    @FUZZ_SETTINGS
    @given(case=requests_for(operation, existing))
    def conforms(case: Case) -> None:
        headers = {"Authorization": f"Bearer {fresh_token(http)}"} if revokes_its_token else None
        case.call_and_validate(headers=headers, checks=CHECKS)

    conforms()


def test_every_documented_operation_is_fuzzed(api_schema: BaseSchema) -> None:
    results = list(api_schema.get_all_operations())
    documented = {(r.ok().method.upper(), r.ok().path) for r in results if isinstance(r, Ok)}
    assert len(documented) == len(results), "every operation of the document can be generated for"
    assert documented == set(OPERATIONS)
