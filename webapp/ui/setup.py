"""Wires the web UI into the app: sessions, CSRF, languages, security headers and the page blueprints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request
from flask_babel import Babel, format_date, get_locale, lazy_gettext
from flask_wtf.csrf import CSRFProtect

from engine.access.policy import UNIT_SCOPED
from engine.notifications import inbox
from engine.persistence.lifecycle import CaseStatus
from engine.reading import catalog
from engine.reading.filings import REVIEWERS as FILING_REVIEWERS
from engine.reading.statistics import READERS

from ..api import DOCS_PAGE
from ..api.access import ApiBlueprint
from ..context import engine_context
from . import errors as ui_errors
from . import links, translating
from . import session as ui_session

LANGUAGES = ("zh_CN", "en")
# Scripts only from this app (the API's documentation page, with its inline start-up script, is exempt);
# inline styles are allowed because the diagram viewer styles its SVG elements with style attributes.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

csrf = CSRFProtect()

STATUS_LABELS = {CaseStatus.RUNNING: lazy_gettext("in progress"), CaseStatus.COMPLETED: lazy_gettext("closed"),
                 CaseStatus.ERROR: lazy_gettext("in error"), CaseStatus.SUSPENDED: lazy_gettext("suspended"),
                 CaseStatus.TERMINATED: lazy_gettext("terminated")}
# A case in error or suspended is stuck for that reason (engine.reading.case_list names it by the status).
STUCK_LABELS = {CaseStatus.ERROR: lazy_gettext("a step failed"), CaseStatus.SUSPENDED: lazy_gettext("suspended"),
                "waiting_on_nothing": lazy_gettext("waiting on nothing"), "untouched": lazy_gettext("untouched for too long")}


# Who is offered the statistics page: the district's readers, and unit members for their own unit's figures.
FIGURE_READERS = READERS | UNIT_SCOPED


def pick_locale() -> str:
    """The language chosen with the switch (a cookie), else Chinese."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "zh_CN"


def security_headers(response: Response) -> Response:
    """Headers every response carries."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint == DOCS_PAGE:
        return response  # its start-up script is inline, and it shows no case data
    response.headers.setdefault("Content-Security-Policy", CSP)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")  # case data must not linger in shared caches
    return response


def page_context() -> dict[str, Any]:
    """What every page's header shows: the user and their unread notifications."""
    user = ui_session.current_user()  # None on the API's documentation page: API requests have no session
    ctx = engine_context()
    unread = inbox.unread_count(ctx, user.username) if user else 0
    starts = False
    if user:
        # Deployments never change once made: their reads need no transaction around them.
        with ctx.lone_reads() as session:
            starts = catalog.may_start_anything(ctx, session, ui_session.current_actor())
    return {"ui_user": user, "unread_count": unread, "locale": str(get_locale()),
            "status_labels": STATUS_LABELS, "stuck_labels": STUCK_LABELS,
            "offers_figures": bool(user and user.groups & FIGURE_READERS), "offers_start": starts,
            # The reviewers and supervisors, and a unit's members (their own unit's filings).
            "offers_filings": bool(user and user.groups & (FILING_REVIEWERS | UNIT_SCOPED))}


def _local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(engine_context().config.timezone))


def localtime(value: datetime | None) -> str:
    """A moment as local date and time."""
    local = _local(value)
    return local.strftime("%Y-%m-%d %H:%M") if local else "—"


def localdate(value: datetime | None) -> str:
    """A moment as its local date."""
    local = _local(value)
    return local.strftime("%Y-%m-%d") if local else "—"


def longdate(value: str | date | None) -> str:
    """A day (an ISO date as forms record it) written out in the reader's language: 2026年4月20日."""
    if not value:
        return "—"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)  # not a date after all: shown as it was entered
    return format_date(day, format="long")


def init_ui(app: Flask) -> None:
    """Attach the UI to the app."""
    ui_session.configure(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session, which expires on its own
    csrf.init_app(app)
    for blueprint in app.blueprints.values():
        if isinstance(blueprint, ApiBlueprint):
            csrf.exempt(blueprint)  # bearer tokens, never cookies: a forged cross-site request carries no credentials
    Babel(app, locale_selector=pick_locale, default_translation_directories="translations")
    translating.install(app)
    links.install(app)
    app.after_request(security_headers)
    app.context_processor(page_context)
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    app.add_template_filter(longdate, "longdate")
    ui_errors.register(app)
    from . import (
        views_admin,
        views_annual_report,
        views_attachments,
        views_auth,
        views_case,
        views_case_export,
        views_dashboard,
        views_documents,
        views_filings,
        views_inbox,
        views_library,
        views_register,
        views_statistics,
        views_task,
        views_typical_cases,
        views_users_admin,
        views_warnings,
    )

    for module in (views_auth, views_inbox, views_task, views_case, views_attachments, views_documents, views_dashboard,
                   views_admin, views_library, views_register, views_statistics, views_case_export,
                   views_warnings, views_annual_report, views_typical_cases, views_filings, views_users_admin):
        app.register_blueprint(module.bp)
