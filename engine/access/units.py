"""Organization units as a managed list: administrators add, rename and deactivate them; users pick one.

Users, cases, their tasks and prior filings store the unit's *name*, and the access rule compares names. A rename
therefore rewrites those scope columns in the same transaction, so a unit's members keep their cases and tasks.
What a case recorded when it was filed (the filer's unit, the forms' data, issued documents) keeps the old name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, FormInvalid, Message, NotFound
from engine.persistence import audit
from engine.persistence.models import Case, PriorFiling, TaskIndex, Unit, User
from engine.persistence.uow import UnitOfWork

ADMIN = "admin"
MAX_NAME = 200
MAX_KIND = 100


@dataclass(frozen=True)
class UnitRow:
    """A unit of the list and how many users belong to it."""

    id: int
    name: str
    kind: str | None
    active: bool
    members: int


def require_admin(actor: Actor) -> None:
    """Refuse anyone outside the admin group.

    Raises: Forbidden.
    """
    if ADMIN not in actor.groups:
        raise Forbidden("只有系统管理员可以管理用户和单位")


def listed(session: Session, name: str, active_only: bool = True) -> Unit | None:
    """The unit of this name on the list (an active one unless told otherwise), or None."""
    query = select(Unit).where(Unit.name == name)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return session.scalar(query)


def ensure_units(session: Session, names: list[str | None]) -> None:
    """Put units missing from the list on it (demo data, and users added from the command line). The caller commits."""
    wanted = sorted({n for n in names if n})
    if not wanted:
        return
    known = set(session.scalars(select(Unit.name).where(Unit.name.in_(wanted))))
    for name in wanted:
        if name not in known:
            session.add(Unit(name=name, kind=None, active=True))
    session.flush()


def list_units(ctx: EngineContext, actor: Actor) -> list[UnitRow]:
    """Every unit, active ones first, by name, with the number of users in each; for administrators.

    Raises: Forbidden.
    """
    require_admin(actor)
    with ctx.sessions() as session:
        counts: dict[str, int] = {name: n for name, n in session.execute(
            select(User.unit, func.count()).where(User.unit.is_not(None)).group_by(User.unit))}
        found = session.scalars(select(Unit).order_by(Unit.active.desc(), Unit.name))
        return [UnitRow(u.id, u.name, u.kind, u.active, counts.get(u.name, 0)) for u in found]


def active_unit_names(ctx: EngineContext) -> list[str]:
    """Names of the active units, for pickers."""
    with ctx.sessions() as session:
        return list(session.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.name)))


def _clean(session: Session, name: str, kind: str, unit_id: int | None = None) -> tuple[str, str | None]:
    name, kind = name.strip(), kind.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["请填写单位名称"]
    elif len(name) > MAX_NAME:
        errors["name"] = [Message("单位名称不能超过 %(max)s 个字符", max=MAX_NAME)]
    else:
        other = session.scalar(select(Unit.id).where(Unit.name == name))
        if other is not None and other != unit_id:
            errors["name"] = [Message("单位“%(name)s”已在列表中", name=name)]
    if len(kind) > MAX_KIND:
        errors["kind"] = [Message("单位类别不能超过 %(max)s 个字符", max=MAX_KIND)]
    if errors:
        raise FormInvalid(errors)
    return name, kind or None


def _record(session: Session, actor: Actor, event: str, at: Any, details: dict[str, Any]) -> None:
    audit.append(session, chain=audit.SYSTEM_CHAIN, event=event, actor=actor.username, at=at, details=details)


def _state(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "kind": unit.kind, "active": unit.active}


def add_unit(ctx: EngineContext, actor: Actor, name: str, kind: str = "") -> UnitRow:
    """Add a unit to the list; audited.

    Raises: Forbidden, FormInvalid (no name, too long, already listed).
    """
    require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        clean_name, clean_kind = _clean(uow.session, name, kind)
        unit = Unit(name=clean_name, kind=clean_kind, active=True)
        uow.session.add(unit)
        uow.session.flush()
        _record(uow.session, actor, "unit_created", uow.now, {"unit": unit.name, "after": _state(unit)})
        row = UnitRow(unit.id, unit.name, unit.kind, unit.active, 0)
        uow.commit()
    return row


def change_unit(ctx: EngineContext, actor: Actor, unit_id: int, name: str, kind: str = "") -> UnitRow:
    """Rename a unit or change its kind; its users, cases, tasks and filings follow a new name. Audited.

    Raises: Forbidden, NotFound, FormInvalid.
    """
    require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        session = uow.session
        unit = session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("单位不存在")
        before = _state(unit)
        clean_name, clean_kind = _clean(session, name, kind, unit.id)
        old = unit.name
        unit.name, unit.kind = clean_name, clean_kind
        moved: dict[str, int] = {}
        if clean_name != old:
            scopes: tuple[tuple[str, Any, Any], ...] = (("users", User, User.unit), ("cases", Case, Case.unit),
                                                        ("tasks", TaskIndex, TaskIndex.unit),
                                                        ("filings", PriorFiling, PriorFiling.unit))
            for label, model, column in scopes:
                result = session.execute(update(model).where(column == old).values({column: clean_name}))
                moved[label] = int(getattr(result, "rowcount", 0) or 0)
        session.flush()
        members = session.scalar(select(func.count()).select_from(User).where(User.unit == unit.name)) or 0
        _record(session, actor, "unit_changed", uow.now,
                {"unit": unit.name, "before": before, "after": _state(unit), "moved": moved})
        row = UnitRow(unit.id, unit.name, unit.kind, unit.active, members)
        uow.commit()
    return row


def set_unit_active(ctx: EngineContext, actor: Actor, unit_id: int, active: bool) -> UnitRow:
    """Deactivate a unit (no new user may pick it; members keep it) or activate it again. Audited.

    Raises: Forbidden, NotFound.
    """
    require_admin(actor)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        unit = uow.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound("单位不存在")
        before = _state(unit)
        unit.active = active
        uow.session.flush()
        members = uow.session.scalar(select(func.count()).select_from(User).where(User.unit == unit.name)) or 0
        _record(uow.session, actor, "unit_enabled" if active else "unit_disabled", uow.now,
                {"unit": unit.name, "before": before, "after": _state(unit)})
        row = UnitRow(unit.id, unit.name, unit.kind, unit.active, members)
        uow.commit()
    return row
