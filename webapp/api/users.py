"""The caller (`/me`) and, for administrators, the users and their groups."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import func, select

from engine.access import users
from engine.errors import Conflict, EngineError, Forbidden, FormInvalid
from engine.groups import GROUP_LABELS
from engine.persistence import audit
from engine.persistence.models import User
from engine.persistence.uow import UnitOfWork

from .access import ApiBlueprint, current_actor, engine_context
from .errors import ErrorSchema
from .schemas import MeSchema, NewUserSchema, PageArgs, UserListSchema, UserSchema

bp = ApiBlueprint("users", __name__, url_prefix="/api/v1", description="用户")


def _user_dict(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "unit": user.unit,
            "groups": sorted(user.groups), "active": user.active}


def _ensure_admin() -> None:
    if "admin" not in current_actor().groups:
        raise Forbidden("只有系统管理员可以管理用户")


@bp.get("/me")
@bp.response(200, MeSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def me() -> dict[str, Any]:
    """The signed-in user and their groups."""
    actor = current_actor()
    ctx = engine_context()
    with ctx.sessions() as session:
        user = session.scalar(select(User).where(User.username == actor.username))
        display = user.display_name if user is not None else actor.username
    return {"username": actor.username, "display_name": display, "unit": actor.unit, "groups": sorted(actor.groups),
            "group_labels": {g: GROUP_LABELS.get(g, g) for g in sorted(actor.groups)}}


@bp.route("/users")
class Users(MethodView):
    """Users, for administrators."""

    @bp.arguments(PageArgs, location="query")
    @bp.response(200, UserListSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="未登录")
    @bp.alt_response(403, schema=ErrorSchema, description="不是系统管理员")
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """List users with their groups."""
        _ensure_admin()
        ctx = engine_context()
        with ctx.sessions() as session:
            total = session.scalar(select(func.count()).select_from(User)) or 0
            found = session.scalars(select(User).order_by(User.username)
                                    .limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"]))
            return {"items": [_user_dict(u) for u in found], "total": total}

    @bp.arguments(NewUserSchema)
    @bp.response(201, UserSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="未登录")
    @bp.alt_response(403, schema=ErrorSchema, description="不是系统管理员")
    @bp.alt_response(409, schema=ErrorSchema, description="用户名已存在")
    def post(self, new: dict[str, Any]) -> dict[str, Any]:
        """Add a user to groups (and an organization unit); the password needs 12 characters and must not be a common one."""
        _ensure_admin()
        ctx = engine_context()
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            try:
                user = users.create_user(uow.session, new["username"], new["password"], new["groups"], uow.now,
                                         new.get("unit"), new.get("display_name"))
            except FormInvalid:
                raise  # a weak password: 400 with the field's messages
            except EngineError as exc:
                raise Conflict(exc.message) from exc
            created = _user_dict(user)
            audit.append(uow.session, chain=audit.SYSTEM_CHAIN, event="user_created", actor=current_actor().username,
                         at=uow.now, details={k: v for k, v in created.items() if k != "active"})
            uow.commit()
        return created
