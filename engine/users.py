"""Users and groups: creation with argon2 password hashes, sign-in checks, actors for services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import EngineError, FormInvalid, NotFound
from .groups import GROUP_LABELS
from .models import Group, Membership, User
from .policy import Actor, CaseLike, may_view_case

_hasher = PasswordHasher()


def ensure_groups(session: Session) -> None:
    """Create the procedure's groups that are missing."""
    existing = set(session.scalars(select(Group.key)))
    for key, label in GROUP_LABELS.items():
        if key not in existing:
            session.add(Group(key=key, label=label))
    session.flush()


def create_user(
    session: Session,
    username: str,
    password: str,
    groups: Iterable[str],
    now: datetime,
    unit: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Add a user with an argon2 password hash; unknown groups or a taken name are refused."""
    groups = list(dict.fromkeys(groups))
    unknown = [g for g in groups if g not in GROUP_LABELS]
    if unknown:
        raise EngineError(f"未知的用户组：{', '.join(unknown)}")
    if not username or len(password) < 8:
        raise EngineError("用户名不能为空，密码至少 8 位")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise EngineError(f"用户 {username} 已存在")
    ensure_groups(session)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        unit=unit,
        email=email,
        active=True,
        created_at=now,
    )
    user.memberships = [Membership(group_key=g) for g in groups]
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _hasher.hash(password)  # spend the same time as a real check: no user enumeration by timing
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def actor_for(session: Session, username: str) -> Actor:
    """The actor for an active user; NotFound when there is none."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound(f"用户 {username} 不存在或已停用")
    return Actor(user.username, user.groups, user.unit)


def group_members(session: Session, group: str) -> list[str]:
    """Usernames of the active members of a group, sorted."""
    rows = session.scalars(
        select(User.username)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_key == group, User.active.is_(True))
        .order_by(User.username)
    )
    return list(rows)


def change_password(session: Session, username: str, old_password: str, new_password: str) -> User:
    """Replace a user's password after checking the current one; the caller commits.

    Raises: FormInvalid (wrong current password, new one too short or unchanged).
    """
    user = authenticate(session, username, old_password)
    if user is None:
        raise FormInvalid({"old_password": ["当前密码不正确"]})
    if len(new_password) < 8:
        raise FormInvalid({"new_password": ["新密码至少 8 位"]})
    if new_password == old_password:
        raise FormInvalid({"new_password": ["新密码不能与当前密码相同"]})
    user.password_hash = _hasher.hash(new_password)
    return user


def end_sign_ins(session: Session, user_id: int, now: datetime) -> None:
    """End every web session of a user and revoke their API tokens (their credentials changed). The caller commits."""
    web_sessions.end_all_of_user(session, user_id)
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))


def members_who_may_take(session: Session, row: TaskLike) -> list[str]:
    """Active members offered an unclaimed task: its group, and its unit for a unit's task (the one rule decides)."""
    query = (select(User).join(Membership, Membership.user_id == User.id)
             .where(Membership.group_key == row.group_key, User.active.is_(True)).order_by(User.username))
    if row.unit is not None:
        query = query.where(User.unit == row.unit)
    return [u.username for u in session.scalars(query) if may_take(Actor(u.username, u.groups, u.unit), row)]
