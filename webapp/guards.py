"""Request guards every page and endpoint shares."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request

# Ids are 32-bit integers in the database; PostgreSQL refuses larger ones with an error instead of finding nothing.
MAX_ID = 2**31 - 1


def form_number(text: str | None) -> int | None:
    """A whole number posted as at most nine ASCII digits (below MAX_ID), else None.

    str.isdigit alone also passes "²" and thousands of digits, which int() refuses with an error.
    """
    if text and len(text) <= 9 and text.isascii() and text.isdigit():
        return int(text)
    return None


def refuse_impossible_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id in the URL that no row can have names nothing: 404, before any query.

    The API checks its ids itself, after the token, so that an unauthenticated call is always told 401.
    """
    if request.path.startswith("/api/"):
        return
    for value in (values or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
            abort(404)


def install(app: Flask) -> None:
    """Attach the guards to the app."""
    app.url_value_preprocessor(refuse_impossible_ids)
