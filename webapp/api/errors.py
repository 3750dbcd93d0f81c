"""One error shape for the whole API: {"error": {"code", "message", "fields"}}, with the right status."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.access.tokens import BadCredentials, TooManyAttempts
from engine.errors import (
    Conflict,
    EngineError,
    FileTooLarge,
    Forbidden,
    FormInvalid,
    ModelInvalid,
    NotFound,
    ScriptFailed,
    TaskNotReady,
    Unauthenticated,
)

from .. import engine_messages

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Status per engine error; the most specific class is looked up first (TaskNotReady before Conflict).
_STATUS: list[tuple[type[EngineError], int]] = [
    (NotFound, 404), (Forbidden, 403), (TaskNotReady, 409), (Conflict, 409), (FileTooLarge, 413),
    (FormInvalid, 400),
    (ModelInvalid, 422), (ScriptFailed, 422), (BadCredentials, 401), (Unauthenticated, 401), (TooManyAttempts, 429),
]

_HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "请先登录或提供有效的访问令牌"),
    403: ("forbidden", "您无权进行此操作"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    406: ("not_acceptable", "无法提供所请求的格式"),
    409: ("conflict", "数据已被他人更新，请刷新后重试"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("model_invalid", "模型无效"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，已记录，请联系管理员"),
}

# webargs and marshmallow speak English; the API answers in Chinese.
_FIELD_MESSAGES: dict[str, str] = {
    "Missing data for required field.": "此项为必填项",
    "Unknown field.": "不允许的字段",
    "Field may not be null.": "此项不能为空",
    "Not a valid integer.": "应为整数",
    "Not a valid string.": "应为文本",
    "Not a valid boolean.": "应为是或否",
    "Not a valid mapping type.": "应为对象",
    "Not a valid list.": "应为列表",
    "Invalid input type.": "数据类型不正确",
    "Invalid JSON body.": "请求体不是有效的 JSON",
    "Invalid value.": "取值无效",
    "Not a valid number.": "应为数字",
}
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Must be greater than or equal to (\S+?)\.?$"), "不能小于 {0}"),
    (re.compile(r"Must be less than or equal to (\S+?)\.?$"), "不能大于 {0}"),
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+?)\.?$"), "应在 {0} 到 {1} 之间"),
    (re.compile(r"Longer than maximum length (\d+)\.?$"), "长度不能超过 {0} 个字符"),
    (re.compile(r"Shorter than minimum length (\d+)\.?$"), "长度不能少于 {0} 个字符"),
    (re.compile(r"Length must be between (\d+) and (\d+)\.?$"), "长度应在 {0} 到 {1} 个字符之间"),
    (re.compile(r"Must be one of: .*"), "取值不在允许的范围内"),
]


class ErrorBody(ma.Schema):
    """The inside of every error response."""

    code = ma.fields.String(required=True, metadata={"description": "machine-readable error code"})
    message = ma.fields.String(required=True, metadata={"description": "中文说明"})
    field_messages = ma.fields.Dict(
        data_key="fields", keys=ma.fields.String(), values=ma.fields.Raw(),
        metadata={"description": "per-field messages (validation), or file/line/reason problems (model errors)"},
    )


class ErrorSchema(ma.Schema):
    """Every error response of the API."""

    error = ma.fields.Nested(ErrorBody, required=True)


def translate(message: str) -> str:
    """A Chinese field message for one of marshmallow's or webargs's English ones."""
    if message in _FIELD_MESSAGES:
        return _FIELD_MESSAGES[message]
    for pattern, chinese in _PATTERNS:
        found = pattern.match(message)
        if found:
            return chinese.format(*found.groups())
    return message


def _field_messages(messages: Any) -> dict[str, Any]:
    """Flatten webargs's {location: {field: [messages]}} into {field: [Chinese messages]}."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            flat.setdefault(path or "_schema", []).append(translate(value))
        elif isinstance(value, Mapping):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, (list, tuple)):
            for inner in value:
                walk(inner, path)

    if isinstance(messages, Mapping):
        for inner in messages.values():  # the location (json, query, files) is not the client's concern
            walk(inner, "")
    else:
        walk(messages, "")
    return flat


def error_response(status: int, code: str, message: str, fields: Mapping[str, Any] | None = None,
                   headers: Mapping[str, str] | None = None) -> Response:
    """A JSON error response of the API's shape."""
    response = jsonify({"error": {"code": code, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api_request() -> bool:
    """Whether the API answers this request, in its shape: anything under /api/.

    The path, not the blueprint, tells: a 404 of an unknown URL has no blueprint, and is the API's under /api/.
    """
    return request.path.startswith(API_PREFIX)


def status_of(exc: EngineError) -> int:
    """The HTTP status an engine error stands for (pages show theirs with the same status)."""
    return next((s for cls, s in _STATUS if isinstance(exc, cls)), 400)


def engine_error_response(exc: EngineError) -> Response:
    """Map an engine error to its status and shape."""
    status = status_of(exc)
    fields: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, FormInvalid):
        fields = engine_messages.field_texts(exc.fields)
    elif isinstance(exc, ModelInvalid):
        fields = {"problems": [{"file": p.file, "line": p.line, "reason": engine_messages.text(p.reason)}
                               for p in exc.problems]}
    elif isinstance(exc, ScriptFailed):
        fields = {"task": exc.task_name, "line": exc.line}
    elif isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    elif status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="rcjc"'
    # The message in the request's language (Chinese unless the language switch chose English); `code` stays.
    return error_response(status, exc.code, engine_messages.message_of(exc), fields, headers)


def http_error_response(error: HTTPException) -> Response:
    """Map an HTTP error (routing, webargs validation, size limits) to the API's shape."""
    status = error.code or 500
    code, message = _HTTP_MESSAGES.get(status, ("http_error", error.description or error.name))
    data = getattr(error, "data", None) or {}
    fields: dict[str, Any] = {}
    if "messages" in data:
        fields = _field_messages(data["messages"])
        code, message = "validation_failed", "请求参数有误"
    if isinstance(data.get("message"), str):
        message = data["message"]
    headers = dict(data.get("headers") or {})
    if status == 405:
        allowed = getattr(error, "valid_methods", None)
        if allowed:
            headers["Allow"] = ", ".join(allowed)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="rcjc"')
    return error_response(status, code, message, fields, headers)


def register(app: Flask) -> None:
    """Install the API's error handlers; pages outside /api/ keep Flask's own responses (or the UI's pages)."""

    @app.errorhandler(EngineError)
    def _engine(exc: EngineError) -> Any:
        if not is_api_request():
            raise exc
        return engine_error_response(exc)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        if not is_api_request():
            return error
        return http_error_response(error)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not is_api_request():
            return InternalServerError()
        return error_response(500, *_HTTP_MESSAGES[500])
