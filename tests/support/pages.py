"""The web UI through Flask's test client: a visitor posting forms with the pages' CSRF tokens, and steps page tests share."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.driver import APPLICATION
from tests.support.files import multipart
from tests.support.people import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A signed-in (or anonymous) visitor posting forms with the CSRF token the pages carry."""

    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()
        self.token = ""

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET a page and remember its CSRF token."""
        response = self.client.get(path, base_url="https://localhost", **kwargs)
        found = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True) -> Any:
        """POST a form, with the page's CSRF token unless told not to."""
        body = dict(data or {})
        if csrf:
            body["csrf_token"] = self.token
        # Browsers send the page as referrer on same-site posts; over HTTPS the CSRF check requires it.
        return self.client.post(path, data=body, base_url="https://localhost", headers={"Referer": "https://localhost/"})

    def sign_in(self, username: str, password: str = PASSWORD) -> Any:
        """Sign in through the login form."""
        self.get("/login")
        return self.post("/login", {"username": username, "password": password})


def new_browser(app: Flask, username: str | None = None) -> Browser:
    """A visitor, signed in as `username` when given."""
    visitor = Browser(app)
    if username:
        assert visitor.sign_in(username).status_code == 302
    return visitor


def start_case(app: Flask, **changes: Any) -> int:
    """The applicant files an application through the start page; the new case's id."""
    applicant = new_browser(app, "applicant")
    applicant.get("/start/rcjc_case/application")
    response = applicant.post("/start/rcjc_case/application", {**APPLICATION, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def first_task(app: Flask, who: str) -> str:
    """The first task in a person's inbox."""
    page = new_browser(app, who).get("/inbox").get_data(as_text=True)
    found = re.search(r'data-task="([0-9a-f-]{36})"', page)
    assert found, page
    return found.group(1)


def upload(visitor: Browser, path: str, fields: dict[str, object], files: list[tuple[bytes, str]]) -> object:
    """Post a multipart form with files, as the import forms do."""
    body = multipart({**{k: str(v) for k, v in fields.items()}, "csrf_token": visitor.token}, files)
    return visitor.client.post(path, **body, base_url="https://localhost", headers={"Referer": "https://localhost/"})
