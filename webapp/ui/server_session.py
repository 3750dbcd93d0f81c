"""Server-side sessions of the web UI: the cookie carries only a random id; the data and the user stay in the database."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict

from engine.access import signed_in, web_sessions
from engine.access.accounts import Account
from engine.errors import EngineError

from ..context import context_of

log = logging.getLogger(__name__)

# Static files and the API (bearer tokens, never cookies) do not use the session: no lookup, nothing saved.
SESSIONLESS_PREFIXES = ("/static/", "/vendor/", "/api/")

# Flask's own tagging keeps tuples (flashed messages), Markup and dates intact through JSON.
_serializer = TaggedJSONSerializer()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    """One request's session: its data, the user it belongs to, and what has to be written back."""

    def __init__(self, data: Mapping[str, Any] | None = None, session_id: str | None = None,
                 stored: web_sessions.StoredSession | None = None, detached: bool = False,
                 stale_cookie: bool = False, account: Account | None = None) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True

        super().__init__(data, on_update)
        self.session_id = session_id
        self.stored = stored
        self.user_id: int | None = stored.user_id if stored is not None else None
        # The user's account as read with the session (None when inactive): for that user only, until another signs in.
        self.account_read_for = self.user_id
        self.account = account
        self.detached = detached
        self.stale_cookie = stale_cookie
        self.modified = False
        self.renew = False
        self.ended = False

    @property
    def permanent(self) -> bool:
        """Every session lasts PERMANENT_SESSION_LIFETIME from its last use."""
        return True

    @permanent.setter
    def permanent(self, value: bool) -> None:
        pass

    def start_for(self, user_id: int) -> None:
        """Begin a signed-in session under a new id (the old one is deleted: no session fixation)."""
        self.clear()
        self.user_id = user_id
        self.renew = True

    def end(self) -> None:
        """Sign out: the stored session is deleted and the cookie removed."""
        self.clear()
        self.user_id = None
        self.ended = True


def _encode(session: ServerSession) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(_serializer.dumps(dict(session))))


def _decode(data: dict[str, Any]) -> dict[str, Any]:
    try:
        return cast(dict[str, Any], _serializer.loads(json.dumps(data)))
    except (TypeError, ValueError, KeyError):
        log.warning("unreadable session data; starting afresh")
        return {}


class DatabaseSessionInterface(SessionInterface):
    """Reads a session with one primary-key lookup; writes only when it changed, or at most once a minute to keep it alive."""

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The session named by the request's cookie, or a new empty one."""
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return ServerSession(detached=True)
        session_id = request.cookies.get(self.get_cookie_name(app))
        if session_id is None:
            return ServerSession()
        ctx = context_of(app)
        found = signed_in.session_and_account(ctx, session_id)
        if found is None:
            return ServerSession(stale_cookie=True)  # signed out, expired, or never issued
        return ServerSession(_decode(found.stored.data), session_id, found.stored, account=found.account)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write back what changed and set or remove the cookie."""
        state = cast(ServerSession, session)
        if state.detached:
            return
        if state.accessed:
            response.vary.add("Cookie")
        ctx = context_of(app)
        lifetime = app.permanent_session_lifetime
        if state.ended:
            if state.session_id is not None:
                web_sessions.end(ctx, state.session_id)
            self._remove_cookie(app, response)
            return
        if state.renew or state.session_id is None:
            if not state.renew and not state:
                if state.stale_cookie:
                    self._remove_cookie(app, response)
                return  # nothing worth storing yet
            new_id, expires = web_sessions.start(ctx, _encode(state), state.user_id, lifetime, state.session_id)
            self._set_cookie(app, response, new_id, expires)
            return
        assert state.stored is not None and state.session_id is not None
        if state.modified:
            kept_until = web_sessions.save(ctx, state.session_id, _encode(state), lifetime)
            if kept_until is not None:
                self._set_cookie(app, response, state.session_id, kept_until)
            else:
                self._remove_cookie(app, response)  # ended meanwhile (signed out elsewhere): never revived
            return
        now = ctx.clock.now()
        if state.stored.due_for_touch(now):
            try:
                touched_until = web_sessions.touch(ctx, state.session_id, lifetime)
            except (EngineError, SQLAlchemyError) as exc:
                # Only the sliding expiry is lost; the page itself has been served.
                log.warning("could not record a session's visit: %s", exc)
                return
            if touched_until is not None:
                self._set_cookie(app, response, state.session_id, touched_until)

    def _set_cookie(self, app: Flask, response: Response, session_id: str, expires: datetime) -> None:
        response.set_cookie(
            self.get_cookie_name(app), session_id, expires=expires, httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app), path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app), samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")

    def _remove_cookie(self, app: Flask, response: Response) -> None:
        response.delete_cookie(
            self.get_cookie_name(app), domain=self.get_cookie_domain(app), path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app), partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app), httponly=self.get_cookie_httponly(app),
        )
        response.vary.add("Cookie")
