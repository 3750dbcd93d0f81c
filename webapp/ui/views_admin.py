"""Administration pages: the holiday calendar and imports of official schedules for years not built in."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from engine import bounded_json
from engine.calendar import YearSchedule, load_schedule_json, package_years
from engine.errors import EngineError
from engine.procedure import calendar_changes, holiday_schedules

from .. import engine_messages
from ..context import engine_context
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_admin", __name__)

ADMIN = "admin"
# A year's schedule is a few dozen dates; anything much larger is not one.
MAX_SCHEDULE_BYTES = 64 * 1024


def _page(error: str | None = None, file_name: str | None = None) -> str:
    ctx = engine_context()
    with ctx.sessions() as session:
        years = holiday_schedules.overview(ctx, session)
        provisional = holiday_schedules.provisional_count(session)
    return render_template("admin_calendar.html", years=years, package_years=package_years(),
                           provisional=provisional, error=error, file_name=file_name)


@bp.route("/admin/calendar", methods=["GET", "POST"])
@login_required
def calendar_page() -> ResponseReturnValue:
    """Which years' holiday schedules are known; administrators import the official schedule of a new year."""
    actor = current_actor()
    if ADMIN not in actor.groups:
        abort(403)
    if request.method == "GET":
        return _page()
    upload = request.files.get("schedule")
    if upload is None or not upload.filename:
        return _page(_("Choose the schedule file (JSON) to import.")), 400
    name = upload.filename[:200]
    try:
        schedule = _read_schedule(upload)
    except ValueError as exc:
        return _page(str(exc), name), 400
    try:
        result = calendar_changes.import_schedule(engine_context(), actor, schedule)
    except EngineError as exc:
        return _page(engine_messages.message_of(exc), name), 400
    flash(_("The holiday schedule of %(year)s was imported; %(n)s due dates were recomputed and %(timers)s timers "
            "of %(cases)s cases moved.", year=result.year, n=result.recomputed, timers=result.timers_moved,
            cases=result.cases_moved))
    return redirect(url_for("ui_admin.calendar_page"))


def _read_schedule(upload: FileStorage) -> YearSchedule:
    """The holiday schedule an uploaded file holds; ValueError says, in the user's language, why it holds none."""
    content = upload.read(MAX_SCHEDULE_BYTES + 1)
    if len(content) > MAX_SCHEDULE_BYTES:
        raise ValueError(_("The file is too large for a holiday schedule."))
    try:
        # The same bounds as request bodies: a deeply nested file is refused as a bad file.
        return load_schedule_json(bounded_json.loads(content))
    except UnicodeDecodeError as exc:
        raise ValueError(_("The file is not UTF-8 text.")) from exc
    except json.JSONDecodeError as exc:
        raise ValueError(_("The file is not valid JSON (line %(line)s, column %(column)s).",
                           line=exc.lineno, column=exc.colno)) from exc
