"""Two ways of driving the procedure: the engine's services directly, or the HTTP API alone with a token per user.

Both answer with the same plain values and raise the engine's error types, so that every procedure test
runs unchanged through either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import Conflict, EngineError, Forbidden, FormInvalid, ModelInvalid, NotFound, ScriptFailed, TaskNotReady
from engine.library.deploy import deploy
from engine.persistence.models import Case, TaskIndex
from engine.procedure import services
from engine.reading import queries
from tests.support.files import multipart


@dataclass(frozen=True)
class OpenTask:
    """An open task as a test looks at it."""

    id: str
    bpmn_id: str
    candidate: str | None
    due_at: datetime | None


@dataclass(frozen=True)
class CaseState:
    """Where a case stands."""

    status: str
    closure: str | None
    outcome: str | None
    version: int


class ServiceTransport:
    """Calls the engine's services and reads the database, as the web layer does."""

    name = "services"

    def __init__(self, ctx: EngineContext, people: dict[str, Actor]) -> None:
        self.ctx = ctx
        self.people = people

    def start(self, who: str, process_id: str, entry: str, data: dict[str, Any]) -> int:
        """Start a case as `who`; the new case's id."""
        return services.start_case(self.ctx, self.people[who], process_id, entry, data).case_id

    def tasks(self, case_id: int) -> list[OpenTask]:
        """The case's open tasks."""
        with self.ctx.sessions() as s:
            rows = s.scalars(select(TaskIndex).where(TaskIndex.case_id == case_id).order_by(TaskIndex.created_at))
            return [OpenTask(t.id, t.bpmn_id, t.candidate, t.due_at) for t in rows]

    def act(self, who: str, task: OpenTask, data: dict[str, Any]) -> None:
        """Claim and complete a task as `who`."""
        actor = self.people[who]
        services.claim_task(self.ctx, actor, task.id)
        services.complete_task(self.ctx, actor, task.id, data)

    def claim(self, who: str, task_id: str) -> None:
        """Claim a task as `who`."""
        services.claim_task(self.ctx, self.people[who], task_id)

    def complete(self, who: str, task_id: str, data: dict[str, Any]) -> None:
        """Complete a task without claiming it first."""
        services.complete_task(self.ctx, self.people[who], task_id, data)

    def deliver(self, who: str, case_id: int, name: str, payload: Any) -> None:
        """Deliver an external event to a case."""
        services.deliver_message(self.ctx, self.people[who], case_id, name, payload)

    def case(self, case_id: int) -> CaseState:
        """The case's status, closure, outcome and version."""
        with self.ctx.sessions() as s:
            case = s.get(Case, case_id)
            assert case is not None
            return CaseState(case.status, case.closure, case.outcome, case.process_version.version)

    def data(self, case_id: int) -> dict[str, Any]:
        """The case data as a supervisor reads it."""
        with self.ctx.sessions() as s:
            return queries.case_view(self.ctx, s, self.people["supervisor"], case_id)["data"]

    def deploy(self, files: dict[str, bytes]) -> tuple[bool, dict[str, int]]:
        """Deploy a bundle as the process owner; whether it was new, and the versions."""
        result = deploy(self.ctx, SYSTEM, files)
        return result.created, result.versions


_ERRORS: dict[int, type[EngineError]] = {403: Forbidden, 404: NotFound, 409: Conflict}


class HttpTransport:
    """Calls only the HTTP API, each person with their own token, as an external system would."""

    name = "http"

    def __init__(self, ctx: EngineContext, people: dict[str, Actor], http: FlaskClient, password: str) -> None:
        self.ctx = ctx
        self.people = people
        self.http = http
        self._password = password
        self._tokens: dict[str, str] = {}

    def _token(self, who: str) -> str:
        if who not in self._tokens:
            response = self.http.post("/api/v1/auth/token", json={"username": who, "password": self._password})
            assert response.status_code == 200, response.get_json()
            self._tokens[who] = response.get_json()["token"]
        return self._tokens[who]

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        """One API call as `who`; an error response is raised as the engine error it stands for."""
        response = self.http.open(f"/api/v1{path}", method=method,
                                  headers={"Authorization": f"Bearer {self._token(who)}"}, **kwargs)
        if response.status_code == 401:  # the token expired while the test moved the clock on: sign in again
            del self._tokens[who]
            response = self.http.open(f"/api/v1{path}", method=method,
                                      headers={"Authorization": f"Bearer {self._token(who)}"}, **kwargs)
        body = response.get_json(silent=True)
        if response.status_code < 400:
            return body
        error = (body or {}).get("error", {})
        assert set(error) == {"code", "message", "fields"}, body
        message, fields = error["message"], error["fields"]
        if response.status_code == 400:
            raise FormInvalid(fields, message)
        if response.status_code == 409 and error["code"] == "task_not_ready":
            raise TaskNotReady(message)
        if response.status_code == 422 and "problems" in fields:
            raise ModelInvalid([])
        if response.status_code == 422:
            raise ScriptFailed(message, fields.get("task"), fields.get("line"))
        if response.status_code in _ERRORS:
            raise _ERRORS[response.status_code](message)
        raise AssertionError(f"{method} {path}: unexpected {response.status_code} {body}")

    def start(self, who: str, process_id: str, entry: str, data: dict[str, Any]) -> int:
        """Start a case through POST /cases."""
        return int(self.call(who, "POST", "/cases", json={"process_id": process_id, "entry": entry, "data": data})["id"])

    def tasks(self, case_id: int) -> list[OpenTask]:
        """The case's open tasks, as a supervisor sees them."""
        found = self.call("supervisor", "GET", f"/cases/{case_id}")["open_tasks"]
        return [OpenTask(t["id"], t["bpmn_id"], t["candidate"], _when(t["due_at"])) for t in found]

    def act(self, who: str, task: OpenTask, data: dict[str, Any]) -> None:
        """Find the task in the person's own inbox or group queue, claim it and complete it."""
        inbox = self.call(who, "GET", "/tasks?per_page=100")["items"]
        if not any(t["id"] == task.id for t in inbox):
            # Not offered to this person: the API must refuse them too.
            self.call(who, "POST", f"/tasks/{task.id}/claim")
            raise AssertionError(f"{who} claimed {task.bpmn_id} although their inbox does not offer it")
        self.call(who, "POST", f"/tasks/{task.id}/claim")
        self.complete(who, task.id, data)

    def claim(self, who: str, task_id: str) -> None:
        """Claim a task through POST /tasks/{id}/claim."""
        self.call(who, "POST", f"/tasks/{task_id}/claim")

    def complete(self, who: str, task_id: str, data: dict[str, Any]) -> None:
        """Complete a task through POST /tasks/{id}/complete."""
        self.call(who, "POST", f"/tasks/{task_id}/complete", json={"data": data})

    def deliver(self, who: str, case_id: int, name: str, payload: Any) -> None:
        """Deliver an external event through POST /messages/{name}."""
        self.call(who, "POST", f"/messages/{name}", json={"correlation": {"case_id": case_id}, "payload": payload})

    def case(self, case_id: int) -> CaseState:
        """The case's status, closure, outcome and version, as a supervisor reads them."""
        body = self.call("supervisor", "GET", f"/cases/{case_id}")
        return CaseState(body["status"], body["closure"], body["outcome"], body["version"])

    def data(self, case_id: int) -> dict[str, Any]:
        """The case data as a supervisor reads it."""
        return dict(self.call("supervisor", "GET", f"/cases/{case_id}")["data"])

    def deploy(self, files: dict[str, bytes]) -> tuple[bool, dict[str, int]]:
        """Upload a bundle as the process owner."""
        body = self.call("owner", "POST", "/deployments", **multipart({}, [(c, n) for n, c in files.items()]))
        return bool(body["created"]), dict(body["versions"])


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


Transport = ServiceTransport | HttpTransport
