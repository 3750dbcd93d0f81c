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

from engine.persistence.models import WebSession

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


def create(session: Session, data: dict[str, Any], user_id: int | None, now: datetime, lifetime: timedelta) -> str:
    """Store a new session and return its id (shown to the browser once, never stored); the caller commits.

    Expired rows are dropped at the same time, so the table holds no more than a lifetime's sessions.
    """
    session_id = secrets.token_urlsafe(32)
    purge_expired(session, now)
    session.add(WebSession(digest=digest(session_id), user_id=user_id, created_at=now, last_seen_at=now,
                           expires_at=now + lifetime, data=data))
    session.flush()
    return session_id


def read(session: Session, session_id: str, now: datetime) -> StoredSession | None:
    """The live session with this id; None when it is malformed, unknown or expired."""
    if not well_formed(session_id):
        return None
    row = session.get(WebSession, digest(session_id))
    if row is None or row.expires_at <= now:
        return None
    return StoredSession(row.user_id, dict(row.data or {}), row.last_seen_at, row.expires_at)


def save(session: Session, session_id: str, data: dict[str, Any], now: datetime, lifetime: timedelta) -> bool:
    """Replace a live session's data and record the visit; False when it is gone. The caller commits."""
    return _extend(session, session_id, now, lifetime, data=data)


def touch(session: Session, session_id: str, now: datetime, lifetime: timedelta) -> bool:
    """Record a visit: the session stays valid for another lifetime from now. The caller commits."""
    return _extend(session, session_id, now, lifetime)


def _extend(session: Session, session_id: str, now: datetime, lifetime: timedelta, **values: Any) -> bool:
    result = session.execute(
        update(WebSession).where(WebSession.digest == digest(session_id), WebSession.expires_at > now)
        .values(last_seen_at=now, expires_at=now + lifetime, **values)
    )
    return bool(getattr(result, "rowcount", 0))


def end(session: Session, session_id: str) -> None:
    """Delete one session (signing out, or a new id at sign-in). The caller commits."""
    if well_formed(session_id):
        session.execute(delete(WebSession).where(WebSession.digest == digest(session_id)))


def end_all_of_user(session: Session, user_id: int) -> int:
    """Delete every session of a user; how many there were. The caller commits."""
    result = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, now: datetime) -> None:
    """Drop sessions whose time ran out."""
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
