"""Use cases of the user administration page: list, add, edit, disable and enable users, reset passwords, unlock.

Only members of the admin group may call them. Every change is appended to the system audit chain with who did it,
to whom, and the user's fields before and after; never a password or its hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.access import passwords, units, users
from engine.access.policy import Actor
from engine.access.tokens import FAILURE_WINDOW, MAX_FAILURES_PER_USER
from engine.context import EngineContext
from engine.errors import FormInvalid, Message, NotFound
from engine.groups import GROUP_LABELS
from engine.persistence import audit
from engine.persistence.models import LoginFailure, Membership, User
from engine.persistence.uow import UnitOfWork

ADMIN = units.ADMIN
# Logins are typed at the sign-in form and shown in logs: plain letters, digits and a few separators.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class UserRow:
    """A user as the administration page shows one; never the password hash."""

    username: str
    display_name: str
    unit: str | None
    position: str | None
    email: str | None
    groups: frozenset[str]
    active: bool
    locked_out: bool
    must_change_password: bool


@dataclass(frozen=True)
class UserFields:
    """What an administrator enters for a user (the username only when adding)."""

    display_name: str
    unit: str
    position: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()


def locked_out_names(session: Session, now: datetime) -> set[str]:
    """Usernames the sign-in throttle refuses right now (too many failures from one address within the window)."""
    rows = session.execute(
        select(LoginFailure.username).where(LoginFailure.at > now - FAILURE_WINDOW)
        .group_by(LoginFailure.username, LoginFailure.address).having(func.count() >= MAX_FAILURES_PER_USER))
    return {name for (name,) in rows}


def _row(user: User, locked: set[str]) -> UserRow:
    return UserRow(user.username, user.display_name, user.unit, user.position, user.email, user.groups, user.active,
                   user.username in locked, user.must_change_password)


def list_users(ctx: EngineContext, actor: Actor, name: str = "", group: str = "", unit: str = "") -> list[UserRow]:
    """Users by username, filtered by a part of the name or login, a group and a unit; for administrators.

    Raises: Forbidden.
    """
    units.require_admin(actor)
    with ctx.sessions() as session:
        query = select(User).order_by(User.username)
        if name.strip():
            pattern = f"%{name.strip()}%"
            query = query.where(User.username.ilike(pattern) | User.display_name.ilike(pattern))
        if group:
            query = query.where(User.memberships.any(group_key=group))
        if unit:
            query = query.where(User.unit == unit)
        locked = locked_out_names(session, ctx.clock.now())
        return [_row(u, locked) for u in session.scalars(query)]


def get_user(ctx: EngineContext, actor: Actor, username: str) -> UserRow:
    """One user, for administrators.

    Raises: Forbidden, NotFound.
    """
    units.require_admin(actor)
    with ctx.sessions() as session:
        return _row(_user(session, username), locked_out_names(session, ctx.clock.now()))


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("用户 %(username)s 不存在", username=username)
    return user


def _state(user: User) -> dict[str, Any]:
    """What the audit trail records of a user: their fields, never the password or its hash."""
    return {"display_name": user.display_name, "unit": user.unit, "position": user.position, "email": user.email,
            "groups": sorted(user.groups), "active": user.active, "must_change_password": user.must_change_password}


def _record(session: Session, actor: Actor, event: str, at: datetime, username: str,
            before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.append(session, chain=audit.SYSTEM_CHAIN, event=event, actor=actor.username, at=at,
                 details={"username": username, "before": before, "after": after})


def _checked(session: Session, fields: UserFields, current_unit: str | None = None) -> dict[str, list[str]]:
    """What is wrong with the entered fields, by field; the user's current unit stays allowed if deactivated since."""
    errors: dict[str, list[str]] = {}
    if not fields.display_name.strip():
        errors["display_name"] = ["请填写姓名"]
    elif len(fields.display_name.strip()) > 100:
        errors["display_name"] = ["姓名不能超过 100 个字符"]
    unit = fields.unit.strip()
    if not unit:
        errors["unit"] = ["请选择单位"]
    elif unit != current_unit and units.listed(session, unit) is None:
        errors["unit"] = [Message("单位“%(unit)s”不在单位列表中（或已停用）", unit=unit)]
    if len(fields.position.strip()) > 100:
        errors["position"] = ["职务不能超过 100 个字符"]
    email = fields.email.strip()
    if email and (len(email) > 200 or EMAIL.fullmatch(email) is None):
        errors["email"] = ["电子邮箱格式不正确"]
    unknown = [g for g in fields.groups if g not in GROUP_LABELS]
    if unknown:
        errors["groups"] = [Message("未知的用户组：%(value)s", value="、".join(unknown))]
    elif not fields.groups:
        errors["groups"] = ["请至少选择一个用户组"]
    return errors


def add_user(ctx: EngineContext, actor: Actor, username: str, fields: UserFields, password: str) -> UserRow:
    """Add a user with a temporary password they must change at their first sign-in; audited.

    Raises: Forbidden, FormInvalid (a taken or malformed login, a unit not on the list, a weak password ...).
    """
    units.require_admin(actor)
    username = username.strip()
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        errors = _checked(session, fields)
        if USERNAME.fullmatch(username) is None:
            errors["username"] = ["登录名须为 1 至 80 个字母、数字或 . _ -，并以字母或数字开头"]
        elif session.scalar(select(User.id).where(User.username == username)) is not None:
            errors["username"] = [Message("登录名 %(username)s 已被使用", username=username)]
        weak = passwords.problems(password, [username, fields.display_name])
        if weak:
            errors["password"] = weak
        if errors:
            raise FormInvalid(errors)
        user = users.create_user(session, username, password, dict.fromkeys(fields.groups), uow.now,
                                 fields.unit.strip(), fields.display_name.strip(), fields.email.strip() or None,
                                 fields.position.strip())
        user.must_change_password = True
        session.flush()
        _record(session, actor, "user_created", uow.now, username, None, _state(user))
        row = _row(user, set())
        uow.commit()
    return row


def edit_user(ctx: EngineContext, actor: Actor, username: str, fields: UserFields) -> UserRow:
    """Change a user's name, unit, position, email and groups; audited. Nobody removes their own admin group.

    Raises: Forbidden, NotFound, FormInvalid.
    """
    units.require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        user = _user(session, username)
        errors = _checked(session, fields, user.unit)
        if username == actor.username and ADMIN not in fields.groups:
            errors["groups"] = ["不能取消自己的系统管理员身份：否则将无人能再管理用户，请由另一位系统管理员操作"]
        if errors:
            raise FormInvalid(errors)
        before = _state(user)
        user.display_name = fields.display_name.strip()
        user.unit = fields.unit.strip()
        user.position = fields.position.strip() or None
        user.email = fields.email.strip() or None
        wanted = list(dict.fromkeys(fields.groups))
        kept = [m for m in user.memberships if m.group_key in wanted]
        user.memberships = kept + [Membership(group_key=g) for g in wanted if g not in user.groups]
        session.flush()
        after = _state(user)
        if after != before:
            _record(session, actor, "user_changed", uow.now, username, before, after)
        row = _row(user, locked_out_names(session, uow.now))
        uow.commit()
    return row


def set_active(ctx: EngineContext, actor: Actor, username: str, active: bool) -> UserRow:
    """Disable a user (their sessions and API tokens end, as `rcjc users deactivate` does) or enable them; audited.

    Raises: Forbidden, NotFound, FormInvalid (disabling oneself).
    """
    units.require_admin(actor)
    if not active and username == actor.username:
        raise FormInvalid({"active": ["不能停用自己的账号：停用会立即结束您的登录，请由另一位系统管理员操作"]},
                          "不能停用自己的账号")
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        user = _user(session, username)
        before = _state(user)
        if active:
            user.active = True
        else:
            users.deactivate(session, username, uow.now)
        session.flush()
        if _state(user) != before:
            _record(session, actor, "user_enabled" if active else "user_disabled", uow.now, username, before,
                    _state(user))
        row = _row(user, locked_out_names(session, uow.now))
        uow.commit()
    return row


def reset_password(ctx: EngineContext, actor: Actor, username: str, password: str) -> UserRow:
    """Give a user a temporary password they must change at their next sign-in; their sessions and tokens end. Audited.

    Raises: Forbidden, NotFound, FormInvalid (the password breaks the policy).
    """
    units.require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        before = _state(_user(session, username))
        user = users.reset_password(session, username, password, uow.now)
        user.must_change_password = True
        session.flush()
        _record(session, actor, "user_password_reset", uow.now, username, before, _state(user))
        row = _row(user, locked_out_names(session, uow.now))
        uow.commit()
    return row


def unlock(ctx: EngineContext, actor: Actor, username: str) -> int:
    """Forget a user's failed sign-ins so the throttle lets them try again; how many were forgotten. Audited.

    Raises: Forbidden, NotFound.
    """
    units.require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        _user(session, username)
        was_locked = username in locked_out_names(session, uow.now)
        result = session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        cleared = int(getattr(result, "rowcount", 0) or 0)
        _record(session, actor, "user_unlocked", uow.now, username, {"locked_out": was_locked, "failures": cleared},
                {"locked_out": False, "failures": 0})
        uow.commit()
    return cleared


def group_choices() -> list[tuple[str, str]]:
    """(key, label) of every group, in the procedure's order."""
    return list(GROUP_LABELS.items())


def chosen_groups(keys: Iterable[str]) -> tuple[str, ...]:
    """The chosen group keys without repeats, in the order they were given."""
    return tuple(dict.fromkeys(k for k in keys if k))
