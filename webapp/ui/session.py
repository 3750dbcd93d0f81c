"""Signed-in users of the web UI: session cookies, the current actor, and the guard on every page."""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for

from engine.access import accounts
from engine.access.accounts import Account
from engine.access.policy import Actor

from ..context import engine_context
from .server_session import DatabaseSessionInterface, ServerSession

F = TypeVar("F", bound=Callable[..., Any])


def secret_key(instance_path: str) -> str:
    """RCJC_SECRET_KEY, or a random key kept in the instance folder (created once, readable by the owner only)."""
    configured = os.environ.get("RCJC_SECRET_KEY")
    if configured:
        return configured
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()


# Applied before the caller's settings: Secure is on unless turned off for plain HTTP on the loopback interface.
COOKIE_DEFAULTS: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
}


def configure(app: Flask) -> None:
    """Give the app its secret key (it signs CSRF tokens) and its server-side sessions."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    app.session_interface = DatabaseSessionInterface()


def _session() -> ServerSession:
    return cast(ServerSession, session)  # the proxy hands attribute access to the request's ServerSession


def sign_in(account: Account) -> None:
    """Start a fresh session for the account under a new id (guards against session fixation)."""
    _session().start_for(account.id)
    g.pop("ui_user", None)


def sign_out() -> None:
    """End the session: deleted on the server, so a copied cookie is worth nothing afterwards."""
    _session().end()
    g.pop("ui_user", None)


def current_user() -> Account | None:
    """The active user the session belongs to, else None (a password change or deactivation deletes their sessions)."""
    if "ui_user" in g:
        return cast(Account | None, g.ui_user)
    state = _session()
    user_id = state.user_id
    if user_id is None:
        user = None
    elif user_id == state.account_read_for:
        user = state.account  # read with the session itself
    else:
        user = accounts.active_account(engine_context(), user_id)
    g.ui_user = user
    return user


def current_actor() -> Actor:
    """The signed-in user as the engine's actor (call only behind login_required)."""
    user = current_user()
    assert user is not None
    return user.actor


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page, remembering where they wanted to go."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("ui_auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def safe_next(target: str | None) -> str:
    """A plain local path to go to after signing in; anything else goes to the user's start page.

    Browsers drop tabs and line breaks from URLs and read a backslash as a slash, so a slash, a tab and
    `/evil.example` would leave the site: any whitespace, control character or backslash is refused outright, as
    is a scheme, a host, or a start other than a single slash.
    """
    if target and _plain_local_path(target):
        return target
    return url_for("ui_inbox.home")


def _plain_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
