"""Sessions of the web UI kept in the database: the browser holds a random id, the table its digest and the data."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from engine.context import EngineContext
from engine.persistence.models import WebSession
from engine.persistence.uow import UnitOfWork

# 32 random bytes (256 bits) in URL-safe base64 without padding: 43 characters.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# Seen-at and expiry move at most this often: a page view costs one read, not a write as well.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class StoredSession:
    """A live session as read from its row."""

    user_id: int | None
    data: dict[str, Any]
    last_seen_at: datetime
    expires_at: datetime

    def due_for_touch(self, now: datetime) -> bool:
        """Whether the session was last seen long enough ago to record this visit."""
        return now - self.last_seen_at >= TOUCH_INTERVAL


def digest(session_id: str) -> str:
    """The stored form of a session id: ids are random 256-bit secrets, so a plain hash is enough."""
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def well_formed(session_id: str | None) -> bool:
    """Whether a cookie value could be a session id at all (anything else is never looked up)."""
    return session_id is not None and ID_PATTERN.fullmatch(session_id) is not None


def start(ctx: EngineContext, data: dict[str, Any], user_id: int | None, lifetime: timedelta,
          replacing: str | None = None) -> tuple[str, datetime]:
    """Store a new session (deleting the one it replaces); its id, shown to the browser once, and its expiry.

    Expired rows are dropped at the same time, so the table holds no more than a lifetime's sessions.
    """
    session_id = secrets.token_urlsafe(32)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        if replacing is not None:
            _delete(uow.session, replacing)
        purge_expired(uow.session, uow.now)
        uow.session.add(WebSession(digest=digest(session_id), user_id=user_id, created_at=uow.now,
                                   last_seen_at=uow.now, expires_at=uow.now + lifetime, data=data))
        uow.commit()
    return session_id, uow.now + lifetime


def save(ctx: EngineContext, session_id: str, data: dict[str, Any], lifetime: timedelta) -> datetime | None:
    """Replace a live session's data and record the visit; its new expiry, or None when it is gone."""
    return _extend(ctx, session_id, lifetime, data=data)


def touch(ctx: EngineContext, session_id: str, lifetime: timedelta) -> datetime | None:
    """Record a visit: the session stays valid for another lifetime; its new expiry, or None when it is gone."""
    return _extend(ctx, session_id, lifetime)


def _extend(ctx: EngineContext, session_id: str, lifetime: timedelta, **values: Any) -> datetime | None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        expires = uow.now + lifetime
        result = uow.session.execute(
            update(WebSession).where(WebSession.digest == digest(session_id), WebSession.expires_at > uow.now)
            .values(last_seen_at=uow.now, expires_at=expires, **values)
        )
        uow.commit()
    return expires if getattr(result, "rowcount", 0) else None


def end(ctx: EngineContext, session_id: str) -> None:
    """Delete one session (signing out)."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        _delete(uow.session, session_id)
        uow.commit()


def _delete(session: Session, session_id: str) -> None:
    if well_formed(session_id):
        session.execute(delete(WebSession).where(WebSession.digest == digest(session_id)))


def end_all_of_user(session: Session, user_id: int) -> int:
    """Delete every session of a user; how many there were. The caller commits."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, now: datetime) -> None:
    """Drop sessions whose time ran out."""
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
