"""Signed-in users of the web UI: session cookies, the current actor, and the guard on every page."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, redirect, request, session, url_for
from sqlalchemy import select

from engine.context import EngineContext
from engine.models import User
from engine.policy import Actor

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
COOKIE_DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
}


def configure(app: Flask) -> None:
    """Give the app its secret key (from the environment or the instance folder)."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)


def engine_context() -> EngineContext:
    """The app's engine context."""
    return cast(EngineContext, current_app.extensions["rcjc"])


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash: changing the password ends every other session."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    """Start a fresh session for the user (a new session id guards against fixation)."""
    session.clear()
    session.permanent = True
    session["user"] = user.username
    session["stamp"] = password_stamp(user.password_hash)


def current_user() -> User | None:
    """The signed-in, active user whose password has not changed since signing in, else None."""
    if "ui_user" in g:
        return cast(User | None, g.ui_user)
    user = None
    username = session.get("user")
    if username:
        with engine_context().sessions() as s:
            found = s.scalar(select(User).where(User.username == username))
            if found is not None and found.active and password_stamp(found.password_hash) == session.get("stamp"):
                found.groups  # noqa: B018 - load memberships before the session closes
                s.expunge(found)
                user = found
    g.ui_user = user
    return user


def current_actor() -> Actor:
    """The signed-in user as the engine's actor (call only behind login_required)."""
    user = current_user()
    assert user is not None
    return Actor(user.username, user.groups, user.unit)


def login_required(view: F) -> F:
    """Send anonymous visitors to the sign-in page, remembering where they wanted to go."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("ui_auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything pointing elsewhere goes to the inbox."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("ui_inbox.inbox")
