"""Error pages of the web UI, in the user's language: HTTP errors, and the engine's errors no page handled itself."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions

from engine.errors import EngineError

from .. import engine_messages
from ..api.errors import http_error_response, is_api_request, status_of

# The HTTP errors pages run into; the handlers are the app's, since an unknown URL has no blueprint to ask.
PAGE_ERRORS = (400, 403, 404, 405, 413)
# A page that may not be seen says no more than that: the engine's message could tell what is there.
UNEXPLAINED = frozenset({403, 404})


def _page(error: HTTPException, text: str = "") -> ResponseReturnValue:
    titles = {400: _("The request could not be processed."), 403: _("You may not open this page."),
              404: _("This page does not exist or is not visible to you."), 405: _("Not allowed."),
              413: _("The upload is too large.")}
    code = error.code or 500
    return render_template("error.html", code=code, title=titles.get(code, error.name), text=text), code


def error_page(error: HTTPException) -> ResponseReturnValue:
    """Errors outside the API answer with a page; the API's (under /api/) with its JSON shape."""
    if is_api_request():
        return http_error_response(error)
    if isinstance(error, CSRFError):
        return _page(error, _("The form expired or did not come from this site. Please reload the page and try again."))
    return _page(error)


def engine_error_page(exc: EngineError) -> ResponseReturnValue:
    """The error page of an engine error's status (NotFound 404, Forbidden 403, Conflict 409, …), as the API maps it."""
    status = status_of(exc)
    return _page(default_exceptions[status](), "" if status in UNEXPLAINED else engine_messages.summary_of(exc))


def register(app: Flask) -> None:
    """Answer HTTP errors with error pages (the UI blueprints answer engine errors themselves)."""
    for code in PAGE_ERRORS:
        app.register_error_handler(code, error_page)
