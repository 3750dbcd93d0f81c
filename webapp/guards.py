"""Guards on what a page takes from a request: numbers in forms, ids in URLs, text a database can store."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, request
from flask_babel import gettext as _

# Ids are 32-bit integers in the database; PostgreSQL refuses larger ones with an error instead of finding nothing.
MAX_ID = 2**31 - 1


def query_date(name: str, errors: dict[str, str]) -> date | None:
    """The date in the query parameter `name` (YYYY-MM-DD), None when empty; a message in `errors` when unreadable."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Please give a date such as 2026-04-20.")
        return None


def form_number(text: str | None) -> int | None:
    """A whole number posted as at most nine ASCII digits (below MAX_ID), else None.

    str.isdigit alone also passes "²" and thousands of digits, which int() refuses with an error.
    """
    if text and len(text) <= 9 and text.isascii() and text.isdigit():
        return int(text)
    return None


def refuse_impossible_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id in the URL that no row can have names nothing: 404, before any query.

    Pages only (ui.blueprint attaches it): the API checks its ids itself, after the token, so that an
    unauthenticated call is always told 401.
    """
    for value in (values or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ID:
            abort(404)


def refuse_nul_characters() -> None:
    """No page takes text with NUL characters, which PostgreSQL cannot store: refuse them as bad input.

    Pages only: the API's argument parser refuses them with per-field messages.
    """
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                abort(400)
