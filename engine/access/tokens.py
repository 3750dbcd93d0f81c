"""API bearer tokens (stored as digests, expiring, revocable) and the throttle on failed sign-ins."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from engine.access import users
from engine.access.policy import Actor
from engine.errors import EngineError
from engine.persistence.db import connection
from engine.persistence.models import ApiToken, LoginFailure, Membership, User, table
from engine.persistence.prepared import Prepared

TOKEN_LIFETIME = timedelta(hours=8)
FAILURE_WINDOW = timedelta(minutes=15)
# Per user and address a handful of typos; per address alone enough for a shared office gateway.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20


class TooManyAttempts(EngineError):
    """Too many failed sign-ins from this user or address; try again later."""

    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__("登录失败次数过多，请稍后再试")
        self.retry_after = retry_after


class BadCredentials(EngineError):
    """The username or password is wrong (deliberately not saying which)."""

    code = "bad_credentials"


_TOKENS, _USERS, _MEMBERS = table(ApiToken), table(User), table(Membership)
# The API asks this on every request: one prepared statement, the groups joined (a user without any gives one row).
_HOLDER = Prepared(
    select(_USERS.c.username, _USERS.c.unit, _USERS.c.must_change_password, _MEMBERS.c.group_key)
    .select_from(_TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
                 .outerjoin(_MEMBERS, _MEMBERS.c.user_id == _USERS.c.id))
    .where(and_(_TOKENS.c.digest == bindparam("digest"), _TOKENS.c.revoked_at.is_(None),
                _TOKENS.c.expires_at > bindparam("now", type_=_TOKENS.c.expires_at.type), _USERS.c.active.is_(True))))


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid token stands for, and whether they must change their password before using it."""

    actor: Actor
    must_change_password: bool


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret is shown to the client once and never stored."""

    token: str
    expires_at: datetime


def digest(token: str) -> str:
    """The stored form of a token: tokens are random 256-bit secrets, so a plain hash is enough."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _ensure_not_throttled(session: Session, username: str, address: str, now: datetime) -> None:
    since = now - FAILURE_WINDOW
    per_user = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.address == address, LoginFailure.at > since))
    per_address = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.address == address, LoginFailure.at > since))
    if (per_user or 0) >= MAX_FAILURES_PER_USER or (per_address or 0) >= MAX_FAILURES_PER_ADDRESS:
        raise TooManyAttempts(int(FAILURE_WINDOW.total_seconds()))


def check_credentials(session: Session, username: str, password: str, address: str, now: datetime) -> User:
    """The user for a correct password; failures are recorded for the throttle and the caller commits either way.

    Raises: TooManyAttempts, BadCredentials.
    """
    username = username[:80]
    _ensure_not_throttled(session, username, address, now)
    user = users.authenticate(session, username, password)
    if user is None:
        session.add(LoginFailure(username=username, address=address, at=now))
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - FAILURE_WINDOW))
        raise BadCredentials("用户名或密码错误")
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.address == address))
    return user


def sign_in(session: Session, username: str, password: str, address: str, now: datetime) -> IssuedToken:
    """Check the password and issue a token; the caller commits (failures are recorded too).

    Raises: TooManyAttempts, BadCredentials.
    """
    user = check_credentials(session, username, password, address, now)
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    session.add(ApiToken(digest=digest(token), user_id=user.id, created_at=now, expires_at=expires, address=address))
    return IssuedToken(token, expires)


def holder_of_token(conn: Connection, token: str, now: datetime) -> TokenHolder | None:
    """Who a token stands for; None when it is unknown, expired, revoked or its user inactive."""
    rows = _HOLDER.run(conn, {"digest": digest(token), "now": now}, alone=not conn.in_transaction()).all()
    if not rows:
        return None
    first = rows[0]
    groups = frozenset(r.group_key for r in rows if r.group_key)
    return TokenHolder(Actor(first.username, groups, first.unit), bool(first.must_change_password))


def actor_of_token(session: Session, token: str, now: datetime) -> Actor | None:
    """The actor a valid token stands for; None when it is unknown, expired, revoked or its user inactive."""
    holder = holder_of_token(connection(session), token, now)
    return holder.actor if holder is not None else None


def revoke(session: Session, token: str, now: datetime) -> bool:
    """Revoke a token; False when it was not valid. The caller commits."""
    result = session.execute(
        update(ApiToken).where(ApiToken.digest == digest(token), ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def purge_expired(session: Session, now: datetime) -> None:
    """Drop tokens that expired or were revoked more than a day ago."""
    cutoff = now - timedelta(days=1)
    session.execute(delete(ApiToken).where(or_(ApiToken.expires_at < cutoff, ApiToken.revoked_at < cutoff)))
