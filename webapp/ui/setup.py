"""Wires the web UI into the app: sessions, CSRF, languages, security headers and the page blueprints."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, abort, render_template, request
from flask_babel import Babel, get_locale, lazy_gettext
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from engine.notifications import inbox

from ..api.errors import http_error_response
from . import session as ui_session

LANGUAGES = ("zh_CN", "en")
# Scripts only from this app (the API's documentation page, with its inline start-up script, is exempt);
# inline styles are allowed because the diagram viewer styles its SVG elements with style attributes.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

csrf = CSRFProtect()

STATUS_LABELS = {"running": lazy_gettext("in progress"), "completed": lazy_gettext("closed"), "error": lazy_gettext("in error"),
                 "suspended": lazy_gettext("suspended"), "terminated": lazy_gettext("terminated")}
STUCK_LABELS = {"error": lazy_gettext("a step failed"), "suspended": lazy_gettext("suspended"),
                "waiting_on_nothing": lazy_gettext("waiting on nothing"), "untouched": lazy_gettext("untouched for too long")}


def pick_locale() -> str:
    """The language chosen with the switch (a cookie), else Chinese."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "zh_CN"


def security_headers(response: Response) -> Response:
    """Headers every response carries."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/api/v1/docs"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    if not request.path.startswith("/api/") and response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # case data must not linger in shared caches
    return response


def page_context() -> dict[str, Any]:
    """What every page's header shows: the user and their unread notifications."""
    user = ui_session.current_user() if not request.path.startswith("/api/") else None
    unread = inbox.unread_count(ui_session.engine_context(), user.username) if user else 0
    return {"ui_user": user, "unread_count": unread, "locale": str(get_locale()),
            "status_labels": STATUS_LABELS, "stuck_labels": STUCK_LABELS}


def _local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(ui_session.engine_context().config.timezone))


def localtime(value: datetime | None) -> str:
    """A moment as local date and time."""
    local = _local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else "—"


def localdate(value: datetime | None) -> str:
    """A moment as its local date."""
    local = _local(value)
    return local.strftime("%Y-%m-%d") if local else "—"


def error_page(error: HTTPException) -> Any:
    """Pages outside the API answer errors with a page in the user's language."""
    if request.path.startswith("/api/"):
        return http_error_response(error)
    titles = {400: _("The request could not be processed."), 403: _("You may not open this page."),
              404: _("This page does not exist or is not visible to you."), 405: _("Not allowed."),
              413: _("The upload is too large.")}
    code = error.code or 500
    text = error.description if isinstance(error, CSRFError) else ""
    if isinstance(error, CSRFError):
        text = _("The form expired or did not come from this site. Please reload the page and try again.")
    return render_template("error.html", code=code, title=titles.get(code, error.name), text=text), code


def refuse_nul_characters() -> None:
    """No page takes text with NUL characters, which PostgreSQL cannot store: refuse them as bad input."""
    if request.path.startswith("/api/"):
        return  # the API's argument parser refuses them with per-field messages
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                abort(400)


def init_ui(app: Flask) -> None:
    """Attach the UI to the app."""
    ui_session.configure(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session, which expires on its own
    csrf.init_app(app)
    for blueprint in app.blueprints.values():
        if (blueprint.url_prefix or "").startswith("/api/"):
            csrf.exempt(blueprint)  # bearer tokens, never cookies: a forged cross-site request carries no credentials
    Babel(app, locale_selector=pick_locale, default_translation_directories="translations")
    app.before_request(refuse_nul_characters)
    app.after_request(security_headers)
    app.context_processor(page_context)
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, error_page)
    from . import views_admin, views_auth, views_case, views_dashboard, views_inbox, views_library, views_task

    for module in (views_auth, views_inbox, views_task, views_case, views_dashboard, views_admin, views_library):
        app.register_blueprint(module.bp)
