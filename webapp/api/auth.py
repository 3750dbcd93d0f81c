"""Bearer tokens: signing in for a token and revoking it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from engine.access import accounts

from ..context import engine_context
from .access import ApiBlueprint, authenticated, bearer_token, client_address
from .errors import ErrorSchema
from .schemas import CredentialsSchema, TokenSchema

bp = ApiBlueprint("auth", __name__, url_prefix="/api/v1/auth", description="访问令牌", public=True)


@bp.route("/token")
class Token(MethodView):
    """Sign in for a token; revoke the token in use."""

    @bp.arguments(CredentialsSchema)
    @bp.response(200, TokenSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="用户名或密码错误")
    @bp.alt_response(429, schema=ErrorSchema, description="登录失败次数过多")
    @bp.doc(security=[])
    def post(self, credentials: dict[str, str]) -> dict[str, Any]:
        """Exchange a username and password for a bearer token."""
        issued = accounts.issue_token(engine_context(), credentials["username"], credentials["password"],
                                      client_address())
        return {"token": issued.token, "expires_at": issued.expires_at}

    @bp.response(204)
    @bp.alt_response(401, schema=ErrorSchema, description="令牌无效")
    @authenticated
    def delete(self) -> None:
        """Revoke the token this request carries."""
        accounts.revoke_token(engine_context(), bearer_token() or "")
