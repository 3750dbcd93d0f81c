"""A page's first read: the browser's session with its user's account and groups, in one statement.

Every page of the UI needs both before anything else; read apart they cost three statements (session, user,
memberships), each in a transaction of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from engine.access.accounts import Account
from engine.access.web_sessions import StoredSession, digest, well_formed
from engine.context import EngineContext
from engine.persistence.db import connection
from engine.persistence.models import Membership, User, WebSession, table
from engine.persistence.prepared import Prepared

_SESSIONS, _USERS, _MEMBERS = table(WebSession), table(User), table(Membership)
# A session without a user, or a user without groups, gives one row; a user in several groups one row per group.
_SESSION_AND_USER = Prepared(
    select(_SESSIONS.c.user_id, _SESSIONS.c.data, _SESSIONS.c.last_seen_at, _SESSIONS.c.expires_at,
           _USERS.c.username, _USERS.c.display_name, _USERS.c.unit, _USERS.c.position, _USERS.c.active,
           _USERS.c.must_change_password, _MEMBERS.c.group_key)
    .select_from(_SESSIONS.outerjoin(_USERS, _USERS.c.id == _SESSIONS.c.user_id)
                 .outerjoin(_MEMBERS, _MEMBERS.c.user_id == _USERS.c.id))
    .where(_SESSIONS.c.digest == bindparam("digest")))


@dataclass(frozen=True)
class SignedIn:
    """A live session and the account it belongs to: None without a user, or when the user is inactive."""

    stored: StoredSession
    account: Account | None


def session_and_account(ctx: EngineContext, session_id: str) -> SignedIn | None:
    """The live session with this id and its user's account; None when the id is malformed, unknown or expired."""
    if not well_formed(session_id):
        return None
    with ctx.lone_reads() as session:
        rows = _SESSION_AND_USER.run(connection(session), {"digest": digest(session_id)}).all()
    if not rows or rows[0].expires_at <= ctx.clock.now():
        return None
    first = rows[0]
    stored = StoredSession(first.user_id, dict(first.data or {}), first.last_seen_at, first.expires_at)
    if first.user_id is None or not first.active:
        return SignedIn(stored, None)
    groups = frozenset(r.group_key for r in rows if r.group_key)
    return SignedIn(stored, Account(first.user_id, first.username, first.display_name, first.unit, groups, True,
                                    first.position, bool(first.must_change_password)))
