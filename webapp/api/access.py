"""Who is calling: the bearer token of a request, checked before any endpoint of a protected blueprint runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

import marshmallow as ma
from flask import Request, g, request
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort, is_json_request
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import FileStorage, MultiDict

from engine import bounded_json
from engine.access import tokens
from engine.access.policy import Actor
from engine.errors import Forbidden, Unauthenticated

from .. import bodies
from ..context import engine_context

F = TypeVar("F", bound=Callable[..., Any])


def client_address() -> str:
    """The caller's address: the peer's, or behind RCJC_TRUSTED_PROXIES proxies the client they forwarded for."""
    return (request.remote_addr or "unknown")[:64]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor() -> Actor:
    """The actor of a valid bearer token; raises Unauthorized otherwise."""
    actor = g.get("api_actor")
    if actor is not None:
        return cast(Actor, actor)
    token = bearer_token()
    if token is None:
        raise Unauthenticated("请提供访问令牌（Authorization: Bearer …）")
    ctx = engine_context()
    # One SELECT needs no transaction: without one it costs one round trip, not three (BEGIN, ROLLBACK).
    with ctx.lone_connection() as conn:
        holder = tokens.holder_of_token(conn, token, ctx.clock.now())
    if holder is None:
        raise Unauthenticated("访问令牌无效、已过期或已撤销，请重新登录")
    g.api_password_pending = holder.must_change_password
    g.api_actor = holder.actor
    return holder.actor


def authenticated(func: F) -> F:
    """Refuse the request with 401 unless it carries a valid token."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_actor()
        return func(*args, **kwargs)

    return cast(F, wrapper)



class Parser(FlaskParser):
    """webargs's parser answering invalid input with 400, the API's status for validation errors."""

    DEFAULT_VALIDATION_STATUS = 400
    # A misspelt filter (?statu=running) must not silently list everything: unknown query keys are refused too.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def pre_load(self, location_data: Mapping[str, Any], *, schema: ma.Schema, req: Request,
                 location: str) -> Mapping[str, Any]:
        # PostgreSQL cannot store NUL characters (the request would fail with a 500) and no name, filter or form
        # value legitimately holds one: refuse them as invalid input on every backend. Lone surrogates (a JSON
        # "\ud800") cannot be encoded as UTF-8 at all, neither for the database nor for a response naming them.
        found = _unstorable_texts(location_data, "")
        if found:
            raise ma.ValidationError({field: [message] for field, message in found})
        return location_data

    def _raw_load_json(self, req: Request) -> Any:
        # webargs parses bodies itself, bypassing request.get_json: the same bounds on depth and numbers apply.
        if not is_json_request(req):
            return missing
        try:
            return bounded_json.loads(req.get_data(cache=True))
        except bounded_json.RefusedJson as exc:
            abort(400, messages={"json": [exc.reason]})


def _unstorable_texts(value: Any, path: str) -> list[tuple[str, str]]:
    """(dotted path, message) of the keys and texts holding a NUL character or a lone surrogate, file names included."""
    if isinstance(value, str):
        where = bodies.printable_key(path) or "_schema"
        if "\x00" in value:
            return [(where, "不能包含空字符（NUL）")]
        return [(where, bounded_json.LONE_SURROGATE)] if bounded_json.has_lone_surrogate(value) else []
    if isinstance(value, FileStorage):
        return _unstorable_texts(value.filename or "", path)
    if isinstance(value, MultiDictProxy):
        value = value.data
    if isinstance(value, MultiDict):
        pairs: list[tuple[Any, Any]] = list(value.lists())
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        return [found for inner in value for found in _unstorable_texts(inner, path)]
    else:
        return []
    found: list[tuple[str, str]] = []
    for key, inner in pairs:
        inner_path = f"{path}.{key}" if path else str(key)
        found += _unstorable_texts(str(key), inner_path) + _unstorable_texts(inner, inner_path)
    return found


class ApiBlueprint(Blueprint):
    """A blueprint of the API; unless `public`, every request must carry a valid token (401 before anything else)."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args: Any, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not public:
            self.before_request(_require_token)


def _require_token() -> None:
    current_actor()
    if g.get("api_password_pending"):
        # Revoking the token (on the public auth blueprint) stays possible; everything else waits for the change.
        raise Forbidden("管理员已重置您的密码：请先在网页上登录并修改密码，然后才能使用接口")
