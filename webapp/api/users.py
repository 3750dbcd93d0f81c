"""The caller (`/me`) and, for administrators, the users and their groups."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from engine.access import accounts
from engine.access.accounts import Account
from engine.groups import GROUP_LABELS

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import MeSchema, NewUserSchema, PageArgs, UserListSchema, UserSchema

bp = ApiBlueprint("users", __name__, url_prefix="/api/v1", description="用户")


def _user_dict(account: Account) -> dict[str, Any]:
    return {"username": account.username, "display_name": account.display_name, "unit": account.unit,
            "position": account.position, "groups": sorted(account.groups), "active": account.active}


@bp.get("/me")
@bp.response(200, MeSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def me() -> dict[str, Any]:
    """The signed-in user and their groups."""
    actor = current_actor()
    return {"username": actor.username, "display_name": accounts.display_name(engine_context(), actor.username),
            "unit": actor.unit, "groups": sorted(actor.groups),
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
        found = accounts.list_accounts(engine_context(), current_actor(), args["page"], args["per_page"])
        return {"items": [_user_dict(a) for a in found.items], "total": found.total}

    @bp.arguments(NewUserSchema)
    @bp.response(201, UserSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="未登录")
    @bp.alt_response(403, schema=ErrorSchema, description="不是系统管理员")
    @bp.alt_response(409, schema=ErrorSchema, description="用户名已存在")
    def post(self, new: dict[str, Any]) -> dict[str, Any]:
        """Add a user to groups (and an organization unit); the password needs 12 characters and must not be a common one."""
        created = accounts.add_account(engine_context(), current_actor(), new["username"], new["password"],
                                       new["groups"], new.get("unit"), new.get("display_name"), new.get("position"))
        return _user_dict(created)
