"""An HTTP client of the API as an external system uses it: its own bearer token per user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient

from tests.support.driver import APPLICATION
from tests.support.people import PASSWORD


@dataclass
class ApiUser:
    """One person calling the API with their own token."""

    http: FlaskClient
    username: str
    token: str
    calls: list[tuple[str, str, int]] = field(default_factory=list)

    def call(self, method: str, path: str, expect: int | None = 200, **kwargs: Any) -> Any:
        """Call the API; assert the status when `expect` is given; return the decoded JSON (or the response)."""
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        response = self.http.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        self.calls.append((method, path, response.status_code))
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.get_data(as_text=True)}"
        return response.get_json() if response.is_json and response.data else response

    def get(self, path: str, expect: int | None = 200, **kwargs: Any) -> Any:
        """GET `path`."""
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, json: Any = None, expect: int | None = 200, **kwargs: Any) -> Any:
        """POST `json` to `path`."""
        return self.call("POST", path, expect, json=json, **kwargs)


def sign_in(http: FlaskClient, username: str, password: str = PASSWORD) -> ApiUser:
    """Get a token for a user, as the user's system would."""
    response = http.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return ApiUser(http, username, response.get_json()["token"])


def start(users: dict[str, ApiUser], **changes: Any) -> dict[str, Any]:
    """The applicant files an application; the new case."""
    return users["applicant"].post("/cases", {"process_id": "rcjc_case", "data": {**APPLICATION, **changes}}, expect=201)


def act(user: ApiUser, task_id: str, data: dict[str, Any], expect: int = 200) -> Any:
    """Claim and complete a task."""
    user.post(f"/tasks/{task_id}/claim")
    return user.post(f"/tasks/{task_id}/complete", {"data": data}, expect=expect)
