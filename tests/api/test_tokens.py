"""Tokens: issued for a password, stored only as digests, expiring, revocable; password guessing is throttled."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import ApiToken, User
from tests.support.client import ApiUser, sign_in


def token_request(http: FlaskClient, username: str, password: str, address: str = "10.0.0.1") -> Any:
    """POST /auth/token from a given address."""
    return http.post("/api/v1/auth/token", json={"username": username, "password": password},
                     environ_base={"REMOTE_ADDR": address})


def test_a_token_is_issued_for_eight_hours_and_only_its_digest_is_stored(
    http: FlaskClient, deployed: EngineContext, people: dict[str, Actor]
) -> None:
    response = token_request(http, "intake", "Lantern-Meadow-2718")
    assert response.status_code == 200
    body = response.get_json()
    issued_until = datetime.fromisoformat(body["expires_at"])
    assert issued_until - deployed.clock.now() == timedelta(hours=8)
    with deployed.sessions() as s:
        stored = s.scalars(select(ApiToken.digest)).all()
    assert len(stored) == 1 and body["token"] not in stored[0] and len(stored[0]) == 64
    me = ApiUser(http, "intake", body["token"]).get("/me")
    assert me["username"] == "intake" and me["groups"] == ["intake"] and me["group_labels"]["intake"] == "受理人员"


def test_wrong_password_and_unknown_user_get_the_same_answer(http: FlaskClient, people: dict[str, Actor]) -> None:
    wrong = token_request(http, "intake", "not-the-password")
    unknown = token_request(http, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["error"]["message"] == "用户名或密码错误"


def test_expired_and_revoked_tokens_are_refused(http: FlaskClient, people: dict[str, Actor], clock: Any) -> None:
    first = sign_in(http, "intake")
    second = sign_in(http, "intake")
    first.call("DELETE", "/auth/token", expect=204)
    refused = first.get("/me", expect=401)
    assert refused["error"]["code"] == "unauthorized" and "撤销" in refused["error"]["message"]
    second.get("/me")  # revoking one token leaves the user's others alone
    clock.advance(timedelta(hours=8, seconds=1))
    second.get("/me", expect=401)
    first.call("DELETE", "/auth/token", expect=401)


def test_a_deactivated_users_tokens_stop_working(http: FlaskClient, deployed: EngineContext,
                                                 people: dict[str, Actor]) -> None:
    intake = sign_in(http, "intake")
    with deployed.sessions() as s:
        s.execute(update(User).where(User.username == "intake").values(active=False))
        s.commit()
    intake.get("/me", expect=401)
    assert token_request(http, "intake", "Lantern-Meadow-2718").status_code == 401


def test_failed_sign_ins_are_throttled_per_user_and_address(http: FlaskClient, people: dict[str, Actor],
                                                            clock: Any) -> None:
    for _ in range(5):
        assert token_request(http, "intake", "guess").status_code == 401
    throttled = token_request(http, "intake", "Lantern-Meadow-2718")
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["code"] == "too_many_attempts" and throttled.headers["Retry-After"] == "900"
    # The same person from another address, and another person from this one, are not held up.
    assert token_request(http, "intake", "Lantern-Meadow-2718", address="10.0.0.2").status_code == 200
    assert token_request(http, "investigator", "Lantern-Meadow-2718").status_code == 200
    clock.advance(timedelta(minutes=16))
    assert token_request(http, "intake", "Lantern-Meadow-2718").status_code == 200


def test_guessing_across_many_names_from_one_address_is_throttled(http: FlaskClient, people: dict[str, Actor]) -> None:
    for i in range(20):
        assert token_request(http, f"user{i}", "guess", address="10.9.9.9").status_code == 401
    assert token_request(http, "intake", "Lantern-Meadow-2718", address="10.9.9.9").status_code == 429
    assert token_request(http, "intake", "Lantern-Meadow-2718", address="10.0.0.3").status_code == 200


def test_requests_without_a_bearer_token_are_told_how_to_authenticate(http: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Basic aW50YWtlOng="}, {"Authorization": "Bearer not-a-token"}):
        response = http.get("/api/v1/cases", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert set(response.get_json()["error"]) == {"code", "message", "fields"}
