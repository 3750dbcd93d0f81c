"""Who is calling: the bearer token of a request, checked before any endpoint of a protected blueprint runs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

import marshmallow as ma
from flask import Request, current_app, g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import FileStorage, MultiDict

from engine import tokens
from engine.context import EngineContext
from engine.errors import Unauthenticated
from engine.policy import Actor

F = TypeVar("F", bound=Callable[..., Any])


def engine_context() -> EngineContext:
    """The engine context of this app."""
    return cast(EngineContext, current_app.extensions["rcjc"])


def client_address() -> str:
    """The caller's address, as the server sees it (a proxy in front must set REMOTE_ADDR faithfully)."""
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
    with ctx.sessions() as session:
        actor = tokens.actor_of_token(session, token, ctx.clock.now())
    if actor is None:
        raise Unauthenticated("访问令牌无效、已过期或已撤销，请重新登录")
    g.api_actor = actor
    return actor


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
        # value legitimately holds one: refuse them as invalid input on every backend.
        found = _fields_with_nul(location_data, "")
        if found:
            raise ma.ValidationError({field: ["不能包含空字符（NUL）"] for field in found})
        return location_data


def _fields_with_nul(value: Any, path: str) -> list[str]:
    """Paths (dotted) of the keys and texts holding a NUL character, file names included."""
    if isinstance(value, str):
        return [path or "_schema"] if "\x00" in value else []
    if isinstance(value, FileStorage):
        return _fields_with_nul(value.filename or "", path)
    if isinstance(value, MultiDictProxy):
        value = value.data
    if isinstance(value, MultiDict):
        pairs: list[tuple[Any, Any]] = list(value.lists())
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        return [found for inner in value for found in _fields_with_nul(inner, path)]
    else:
        return []
    found: list[str] = []
    for key, inner in pairs:
        inner_path = f"{path}.{key}" if path else str(key)
        found += _fields_with_nul(str(key), inner_path) + _fields_with_nul(inner, inner_path)
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
