"""What a request body may be: JSON within engine.bounded_json's bounds and no larger than a form ever needs."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from engine.bounded_json import has_lone_surrogate, loads

# JSON bodies of the API carry form data and messages, never files; uploads (multipart) keep the app's own limit.
MAX_JSON_BYTES = 1024 * 1024
API_PREFIX = "/api/"


def printable_key(text: str) -> str:
    """A key as it can be named in a response: lone surrogates written as their escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON with the engine's bounds on what it reads, and responses that always encode."""

    ensure_ascii = False  # Chinese stays readable in responses

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON within the bounds (request.get_json ends here)."""
        return loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize; a lone surrogate (unencodable as UTF-8) is written as its escape rather than failing."""
        text = super().dumps(obj, **kwargs)
        return super().dumps(obj, **{**kwargs, "ensure_ascii": True}) if has_lone_surrogate(text) else text


def bound_api_bodies() -> None:
    """API bodies other than uploads are JSON; a larger one is refused (413) before it is read."""
    if request.path.startswith(API_PREFIX) and request.mimetype != "multipart/form-data":
        limit = request.max_content_length
        request.max_content_length = MAX_JSON_BYTES if limit is None else min(limit, MAX_JSON_BYTES)


def install(app: Flask) -> None:
    """Attach the JSON bounds to the app."""
    app.json = JsonProvider(app)
    app.before_request(bound_api_bodies)
