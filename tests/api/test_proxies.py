"""Behind RCJC_TRUSTED_PROXIES reverse proxies the sign-in throttle sees the client, and never a forged address."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.people import PASSWORD
from webapp import create_app
from webapp.proxies import trusted_proxies

PROXY = "10.0.0.1"


def token_request(http: FlaskClient, password: str, forwarded_for: str) -> Any:
    """POST /auth/token for intake through the proxy, which says it forwards for `forwarded_for`."""
    return http.post("/api/v1/auth/token", json={"username": "intake", "password": password},
                     environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": forwarded_for})


def sign_in_page(http: FlaskClient, password: str, forwarded_for: str) -> int:
    """Sign in through the login form via the proxy (CSRF off: only the throttle is under test here)."""
    return http.post("/login", data={"username": "intake", "password": password}, environ_base={"REMOTE_ADDR": PROXY},
                     headers={"X-Forwarded-For": forwarded_for}).status_code


def app_with(deployed: EngineContext, monkeypatch: pytest.MonkeyPatch, proxies: str) -> Flask:
    """The app as configured by RCJC_TRUSTED_PROXIES=`proxies`."""
    monkeypatch.setenv("RCJC_TRUSTED_PROXIES", proxies)
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}, context=deployed)


def test_behind_one_trusted_proxy_each_client_is_throttled_on_its_own(
    deployed: EngineContext, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    http = app_with(deployed, monkeypatch, "1").test_client()
    for _ in range(5):
        assert token_request(http, "guess", "203.0.113.7").status_code == 401
    assert token_request(http, PASSWORD, "203.0.113.7").status_code == 429
    # A client can prepend what it likes; only the hop the trusted proxy appended counts.
    assert token_request(http, PASSWORD, "198.51.100.9, 203.0.113.7").status_code == 429
    assert token_request(http, PASSWORD, "203.0.113.8").status_code == 200  # another client behind the same proxy
    for _ in range(5):
        assert sign_in_page(http, "guess", "203.0.113.20") == 401
    assert sign_in_page(http, PASSWORD, "203.0.113.20") == 429
    assert sign_in_page(http, PASSWORD, "203.0.113.21") == 302


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_throttle(
    deployed: EngineContext, people: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    http = app_with(deployed, monkeypatch, "0").test_client()
    for i in range(5):
        assert token_request(http, "guess", f"198.51.100.{i}").status_code == 401
    assert token_request(http, PASSWORD, "198.51.100.99").status_code == 429
    assert sign_in_page(http, PASSWORD, "198.51.100.98") == 429


def test_the_proxy_count_must_be_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RCJC_TRUSTED_PROXIES", raising=False)
    assert trusted_proxies() == 0
    monkeypatch.setenv("RCJC_TRUSTED_PROXIES", "2")
    assert trusted_proxies() == 2
    for bad in ("-1", "one", "1.5"):
        monkeypatch.setenv("RCJC_TRUSTED_PROXIES", bad)
        with pytest.raises(ValueError, match="RCJC_TRUSTED_PROXIES"):
            trusted_proxies()
