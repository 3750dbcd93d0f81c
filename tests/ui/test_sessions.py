"""Sessions kept on the server: sign-out ends them, the cookie tells nothing, password changes end them, safe redirects."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import Membership, User, WebSession
from engine.persistence.uow import UnitOfWork
from tests.support.pages import Browser, new_browser
from tests.support.people import PASSWORD

NEW_PASSWORD = "Quiet-Harbor-Lamp-93"


def session_cookie(visitor: Browser) -> str:
    """The value of the visitor's session cookie."""
    cookie = visitor.client.get_cookie("session", domain="localhost")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, value: str, path: str = "/inbox") -> Any:
    """Request a page from another client carrying a copied session cookie."""
    thief: FlaskClient = app.test_client()
    thief.set_cookie("session", value, domain="localhost")
    return thief.get(path, base_url="https://localhost")


def goes_to_login(response: Any) -> bool:
    """Whether a response sends the visitor to the sign-in page."""
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def api_token(app: Flask, username: str, password: str = PASSWORD) -> str:
    """A bearer token for the user."""
    response = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_json()["token"])


def token_works(app: Flask, token: str) -> bool:
    """Whether the API accepts the token."""
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_cookie_replayed_after_signing_out_gets_the_login_page(app: Flask, deployed: EngineContext,
                                                                 people: dict[str, Actor]) -> None:
    visitor = new_browser(app, "intake")
    copied = session_cookie(visitor)
    assert replay(app, copied).status_code == 200  # while signed in the copy works: it is the credential
    visitor.get("/inbox")
    assert goes_to_login(visitor.post("/logout"))
    assert goes_to_login(replay(app, copied))
    assert goes_to_login(visitor.get("/inbox"))
    with deployed.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.username == "intake"))
        assert s.scalars(select(WebSession).where(WebSession.user_id == user_id)).all() == []


def _decodings(value: str) -> list[bytes]:
    """Every reading of a cookie value an onlooker might try: raw, base64 of each part, inflated."""
    found = [value.encode()]
    for part in re.split(r"[.:|]", value.lstrip(".")):
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                raw = decode(part + "=" * (-len(part) % 4))
            except (binascii.Error, ValueError):
                continue
            found.append(raw)
            try:
                found.append(zlib.decompress(raw))
            except zlib.error:
                pass
    return found


def test_the_session_cookie_carries_only_a_random_id(app: Flask, deployed: EngineContext,
                                                     people: dict[str, Actor]) -> None:
    visitor = Browser(app)
    visitor.get("/login")
    anonymous = session_cookie(visitor)  # the sign-in form's CSRF token lives in a session already
    assert visitor.sign_in("committee1").status_code == 302
    value = session_cookie(visitor)
    assert value != anonymous  # a new id at sign-in: a planted id is worth nothing
    assert goes_to_login(replay(app, anonymous))
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value)  # 256 random bits, nothing else
    for reading in _decodings(value):
        assert b"committee1" not in reading and b"user" not in reading, reading
    with deployed.sessions() as s:
        row = s.scalars(select(WebSession).where(WebSession.user_id.is_not(None))).one()
    assert row.digest == hashlib.sha256(value.encode()).hexdigest()  # only the digest is stored
    assert "committee1" not in json.dumps(row.data, ensure_ascii=False)
    assert row.expires_at - row.created_at == timedelta(hours=8)


def test_a_password_change_ends_other_sessions_and_revokes_api_tokens(app: Flask, deployed: EngineContext,
                                                                      people: dict[str, Actor]) -> None:
    laptop = new_browser(app, "intake")
    tablet = new_browser(app, "intake")
    token = api_token(app, "intake")
    other_token = api_token(app, "investigator")
    laptop.get("/password")
    changed = laptop.post("/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                        "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 302
    assert laptop.get("/inbox").status_code == 200  # signed in again under a new id
    assert goes_to_login(tablet.get("/inbox"))
    assert not token_works(app, token)
    assert token_works(app, other_token)  # other people keep theirs
    assert new_browser(app).sign_in("intake", PASSWORD).status_code == 401
    assert new_browser(app).sign_in("intake", NEW_PASSWORD).status_code == 302


def test_a_deactivated_users_sessions_and_tokens_end(app: Flask, deployed: EngineContext,
                                                     people: dict[str, Actor]) -> None:
    visitor = new_browser(app, "orgdept")
    token = api_token(app, "orgdept")
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.deactivate(uow.session, "orgdept", uow.now)
        uow.commit()
    assert goes_to_login(visitor.get("/inbox"))
    assert not token_works(app, token)
    with deployed.sessions() as s:
        assert s.scalars(select(WebSession).where(WebSession.user_id.is_not(None))).all() == []


def test_groups_changed_while_signed_in_count_from_the_next_page(app: Flask, deployed: EngineContext,
                                                                  people: dict[str, Actor]) -> None:
    visitor = new_browser(app, "intake")
    statistics_link = 'href="/statistics"'
    assert statistics_link not in visitor.get("/inbox").get_data(as_text=True)
    assert visitor.get("/statistics").status_code == 403
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        user = uow.session.scalars(select(User).where(User.username == "intake")).one()
        user.memberships.append(Membership(group_key="supervisor"))
        uow.commit()
    # The session, the user and the groups are read afresh with every page: no sign-in again.
    assert statistics_link in visitor.get("/inbox").get_data(as_text=True)
    assert visitor.get("/statistics").status_code == 200
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        user = uow.session.scalars(select(User).where(User.username == "intake")).one()
        user.memberships = [m for m in user.memberships if m.group_key != "supervisor"]
        uow.commit()
    assert visitor.get("/statistics").status_code == 403


def test_a_page_reads_the_session_with_its_user_and_groups_in_one_statement(app: Flask, deployed: EngineContext,
                                                                            people: dict[str, Actor]) -> None:
    visitor = new_browser(app, "investigator")
    visitor.get("/inbox")
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(deployed.db, "before_cursor_execute", seen)
    try:
        assert visitor.get("/inbox").status_code == 200
    finally:
        event.remove(deployed.db, "before_cursor_execute", seen)
    first = statements[0]
    assert "FROM web_session" in first and "app_user" in first and "membership" in first
    # Nothing reads the user or the groups again on their own.
    assert not [s for s in statements[1:] if s.startswith("SELECT") and ("FROM app_user" in s or "FROM membership" in s)]


def test_sessions_expire_after_eight_idle_hours_and_are_written_at_most_once_a_minute(
    app: Flask, deployed: EngineContext, people: dict[str, Actor], clock: Any
) -> None:
    visitor = new_browser(app, "intake")

    def last_seen() -> Any:
        with deployed.sessions() as s:
            return s.scalar(select(WebSession.last_seen_at).where(WebSession.user_id.is_not(None)))

    visitor.get("/inbox")  # the first page stores the session's new CSRF token
    signed_in = last_seen()
    clock.advance(timedelta(seconds=30))
    assert visitor.get("/inbox").status_code == 200
    assert last_seen() == signed_in  # a page view within the minute writes nothing
    clock.advance(timedelta(seconds=31))
    assert visitor.get("/inbox").status_code == 200
    assert last_seen() == signed_in + timedelta(seconds=61)
    clock.advance(timedelta(hours=7))
    assert visitor.get("/inbox").status_code == 200  # in use: the eight hours run from the last visit
    clock.advance(timedelta(hours=8, seconds=1))
    assert goes_to_login(visitor.get("/inbox"))


OFF_SITE = ["/\t/evil.example", "//evil.example", "https://evil.example", "/\r\nSet-Cookie:x", "/\nevil",
            "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", " /inbox", "/inbox\u2028x", "evil.example",
            "///evil.example", "/\x00x"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(app: Flask, people: dict[str, Actor], target: str) -> None:
    visitor = Browser(app)
    visitor.get("/login")
    response = visitor.post("/login", {"username": "intake", "password": PASSWORD, "next": target})
    if "\x00" in target:
        assert response.status_code == 400  # refused as bad input before anything else
        return
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the start page
    visitor.get("/inbox")
    switched = visitor.post("/language", {"lang": "en", "next": target})
    assert switched.status_code == 302 and switched.headers["Location"] == "/"


def test_percent_encoded_line_breaks_in_next_do_not_reach_the_headers(app: Flask, people: dict[str, Actor]) -> None:
    visitor = Browser(app)
    visitor.get("/login")
    body = f"username=intake&password={PASSWORD}&csrf_token={visitor.token}&next=/%0d%0aSet-Cookie:x"
    response = visitor.client.post("/login", data=body, content_type="application/x-www-form-urlencoded",
                                   base_url="https://localhost", headers={"Referer": "https://localhost/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "x" not in [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")]


def test_a_local_target_is_kept(app: Flask, people: dict[str, Actor]) -> None:
    visitor = Browser(app)
    asked = visitor.get("/cases?status=running")
    assert goes_to_login(asked)
    wanted = dict(part.split("=", 1) for part in urlsplit(asked.headers["Location"]).query.split("&"))["next"]
    visitor.get("/login")
    response = visitor.post("/login", {"username": "intake", "password": PASSWORD, "next": "/cases?status=running"})
    assert response.headers["Location"] == "/cases?status=running" and wanted.startswith("/cases")


@pytest.mark.parametrize(("new", "message"), [("Abc-12345", "至少需要 12 个字符"), ("password1234", "过于常见"),
                                               ("qwertyuiop12", "过于常见")])
def test_the_password_page_refuses_short_and_common_passwords(app: Flask, people: dict[str, Actor], new: str,
                                                              message: str) -> None:
    visitor = new_browser(app, "intake")
    visitor.get("/password")
    refused = visitor.post("/password", {"old_password": PASSWORD, "new_password": new, "confirm_password": new})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in page
    assert re.search(r'<p class="field-error" id="new_password-error">[^<]*' + message, page)
    assert new_browser(app).sign_in("intake", PASSWORD).status_code == 302  # unchanged
