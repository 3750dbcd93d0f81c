"""Users and groups: creation with argon2 password hashes, sign-in checks, actors for services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.access import passwords, units, web_sessions
from engine.access.policy import Actor, TaskLike, may_take
from engine.errors import EngineError, FormInvalid, NotFound
from engine.groups import GROUP_LABELS
from engine.persistence.models import ApiToken, Group, Membership, User

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
    position: str | None = None,
) -> User:
    """Add a user with an argon2 password hash; unknown groups, a taken name or a weak password are refused.

    Raises: EngineError (unknown group, empty or taken name), FormInvalid (the password breaks the policy).
    """
    groups = _new_user_groups(session, username, groups)
    passwords.check(password, "password", [username, display_name or ""])
    return _add_user(session, username, password, groups, now, unit, display_name, email, position)


def create_demo_user_with_published_password(
    session: Session, username: str, password: str, groups: Iterable[str], now: datetime,
    unit: str | None = None, display_name: str | None = None, position: str | None = None,
) -> User:
    """Add a demo account whose password is published (too weak for the policy, which is skipped on purpose).

    Only for `rcjc init --demo`: serving beyond the loopback interface is refused while such accounts keep it.
    """
    groups = _new_user_groups(session, username, groups)
    return _add_user(session, username, password, groups, now, unit, display_name, None, position)


def _new_user_groups(session: Session, username: str, groups: Iterable[str]) -> list[str]:
    """The new user's groups without repeats; unknown groups, an empty or a taken name are refused."""
    groups = list(dict.fromkeys(groups))
    unknown = [g for g in groups if g not in GROUP_LABELS]
    if unknown:
        raise EngineError("未知的用户组：%(value)s", value=', '.join(unknown))
    if not username:
        raise EngineError("用户名不能为空")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise EngineError("用户 %(username)s 已存在", username=username)
    return groups


def _add_user(session: Session, username: str, password: str, groups: list[str], now: datetime,
              unit: str | None, display_name: str | None, email: str | None, position: str | None = None) -> User:
    ensure_groups(session)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_hasher.hash(password),
        unit=unit,
        position=position or None,
        email=email,
        active=True,
        created_at=now,
    )
    user.memberships = [Membership(group_key=g) for g in groups]
    session.add(user)
    # A unit given on the command line or through the API joins the managed list (administrators pick from it).
    units.ensure_units(session, [unit])
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
        raise NotFound("用户 %(username)s 不存在或已停用", username=username)
    return Actor(user.username, user.groups, user.unit)


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Display names of users by username; a username without a user (or a name) stands for itself."""
    wanted = sorted(set(usernames))
    found: dict[str, str] = {}
    if wanted:
        rows = session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))
        found = {username: name for username, name in rows}
    return {u: found.get(u) or u for u in wanted}


def person_labels(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """How people are shown where they acted: their name with their unit and position, 张明（区发改局 副局长）."""
    wanted = sorted({u for u in usernames if u})
    labels: dict[str, str] = {u: u for u in wanted}
    if wanted:
        rows = session.execute(
            select(User.username, User.display_name, User.unit, User.position).where(User.username.in_(wanted)))
        for username, name, unit, position in rows:
            where = " ".join(part for part in (unit, position) if part)
            labels[username] = f"{name or username}（{where}）" if where else (name or username)
    return labels


def members_by_group(session: Session, groups: Iterable[str]) -> dict[str, list[str]]:
    """Usernames of the active members of each group, sorted, in one read (a group without any gets an empty list)."""
    found: dict[str, list[str]] = {g: [] for g in groups}
    for group, username in session.execute(
            select(Membership.group_key, User.username).join(User, User.id == Membership.user_id)
            .where(Membership.group_key.in_(list(found)), User.active.is_(True)).order_by(User.username)):
        found[group].append(username)
    return found


def group_members(session: Session, group: str) -> list[str]:
    """Usernames of the active members of a group, sorted."""
    return members_by_group(session, (group,))[group]


def change_password(session: Session, username: str, old_password: str, new_password: str, now: datetime) -> User:
    """Replace a user's password after checking the current one; every session and API token of theirs ends.

    The caller commits (and signs the current browser in again). Raises: FormInvalid (wrong current password,
    new one breaking the policy or unchanged).
    """
    user = authenticate(session, username, old_password)
    errors: dict[str, list[str]] = {}
    if user is None:
        errors["old_password"] = ["当前密码不正确"]
    weak = passwords.problems(new_password, [username, user.display_name if user is not None else ""])
    if weak:
        errors["new_password"] = weak
    elif new_password == old_password:
        errors["new_password"] = ["新密码不能与当前密码相同"]
    if errors or user is None:
        raise FormInvalid(errors)
    user.password_hash = _hasher.hash(new_password)
    user.must_change_password = False
    end_sign_ins(session, user.id, now)
    return user


def password_change_pending(session: Session, username: str) -> bool:
    """True while the user must change the temporary password an administrator gave them before doing anything else."""
    return bool(session.scalar(select(User.must_change_password).where(User.username == username)))


def reset_password(session: Session, username: str, new_password: str, now: datetime) -> User:
    """An administrator sets a user's password; every session and API token of theirs ends. The caller commits.

    Raises: NotFound, FormInvalid (the password breaks the policy).
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("用户 %(username)s 不存在", username=username)
    passwords.check(new_password, "password", [username, user.display_name])
    user.password_hash = _hasher.hash(new_password)
    end_sign_ins(session, user.id, now)
    return user


def deactivate(session: Session, username: str, now: datetime) -> User:
    """Stop a user from signing in; every session and API token of theirs ends. The caller commits.

    Raises: NotFound.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("用户 %(username)s 不存在", username=username)
    user.active = False
    end_sign_ins(session, user.id, now)
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
