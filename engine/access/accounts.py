"""Use cases of accounts: signing in (one throttle for the UI and the API), tokens, passwords, the user list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.access import tokens, users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Conflict, EngineError, Forbidden, FormInvalid
from engine.persistence import audit
from engine.persistence.models import User
from engine.persistence.uow import UnitOfWork

ADMIN = "admin"


@dataclass(frozen=True)
class Account:
    """A user as the web layer sees one: who they are, never their password hash."""

    id: int
    username: str
    display_name: str
    unit: str | None
    groups: frozenset[str]
    active: bool
    position: str | None = None
    must_change_password: bool = False

    @property
    def actor(self) -> Actor:
        """The account as the engine's actor."""
        return Actor(self.username, self.groups, self.unit)

    @classmethod
    def of(cls, user: User) -> Account:
        """The account of a user row (its memberships are read here, while the row's session is open)."""
        return cls(user.id, user.username, user.display_name, user.unit, user.groups, user.active, user.position,
                   user.must_change_password)


@dataclass(frozen=True)
class AccountPage:
    """One page of the user list and how many users there are."""

    items: list[Account]
    total: int


def check_password(ctx: EngineContext, username: str, password: str, address: str) -> Account:
    """The account for a correct password; a failure is recorded for the throttle before it is raised.

    Raises: TooManyAttempts, BadCredentials.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        try:
            user = tokens.check_credentials(uow.session, username, password, address, uow.now)
        except tokens.BadCredentials:
            uow.commit()  # the failure counts towards the throttle
            raise
        account = Account.of(user)
        uow.commit()
    return account


def issue_token(ctx: EngineContext, username: str, password: str, address: str) -> tokens.IssuedToken:
    """Exchange a correct password for a bearer token (throttled like the sign-in page); expired tokens go.

    Raises: TooManyAttempts, BadCredentials.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        try:
            issued = tokens.sign_in(uow.session, username, password, address, uow.now)
        except tokens.BadCredentials:
            uow.commit()
            raise
        tokens.purge_expired(uow.session, uow.now)
        uow.commit()
    return issued


def revoke_token(ctx: EngineContext, token: str) -> None:
    """Revoke a bearer token (nothing happens for one already invalid)."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        tokens.revoke(uow.session, token, uow.now)
        uow.commit()


def change_password(ctx: EngineContext, username: str, old_password: str, new_password: str) -> Account:
    """Replace one's own password; every other session and token of the user ends.

    Raises: FormInvalid (wrong current password, a weak or unchanged new one).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        user = users.change_password(uow.session, username, old_password, new_password, uow.now)
        account = Account.of(user)
        uow.commit()
    return account


def active_account(ctx: EngineContext, user_id: int) -> Account | None:
    """The account with this id while it is active, else None (a deactivated user is signed out everywhere)."""
    with ctx.sessions() as session:
        user = session.get(User, user_id)
        return Account.of(user) if user is not None and user.active else None


def display_name(ctx: EngineContext, username: str) -> str:
    """The name a user is shown by; the username when there is no such user."""
    with ctx.sessions() as session:
        found = session.scalar(select(User.display_name).where(User.username == username))
    return found or username


def _ensure_admin(actor: Actor) -> None:
    if ADMIN not in actor.groups:
        raise Forbidden("只有系统管理员可以管理用户")


def list_accounts(ctx: EngineContext, actor: Actor, page: int, per_page: int) -> AccountPage:
    """A page of users in username order, for administrators.

    Raises: Forbidden.
    """
    _ensure_admin(actor)
    with ctx.sessions() as session:
        total = session.scalar(select(func.count()).select_from(User)) or 0
        found = session.scalars(select(User).order_by(User.username).limit(per_page).offset((page - 1) * per_page))
        return AccountPage([Account.of(u) for u in found], total)


def add_account(ctx: EngineContext, actor: Actor, username: str, password: str, groups: Iterable[str],
                unit: str | None = None, display_name: str | None = None, position: str | None = None) -> Account:
    """An administrator adds a user to groups (and a unit); the addition is audited.

    Raises: Forbidden, FormInvalid (a weak password), Conflict (a taken name or an unknown group).
    """
    _ensure_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        try:
            user = users.create_user(uow.session, username, password, groups, uow.now, unit, display_name,
                                     position=position)
        except FormInvalid:
            raise  # a weak password: the field's messages
        except EngineError as exc:
            raise Conflict(exc.message) from exc
        account = Account.of(user)
        audit.append(uow.session, chain=audit.SYSTEM_CHAIN, event="user_created", actor=actor.username, at=uow.now,
                     details={"username": account.username, "display_name": account.display_name,
                              "unit": account.unit, "position": account.position, "groups": sorted(account.groups)})
        uow.commit()
    return account
