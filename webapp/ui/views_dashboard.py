"""监督看板: overdue tasks and stuck cases with the actions supervisors take on them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import dashboard, supervision, users
from engine.errors import EngineError, Forbidden
from engine.groups import GROUP_LABELS

from .session import current_actor, engine_context, login_required

bp = Blueprint("ui_dashboard", __name__)


@bp.get("/dashboard")
@login_required
def dashboard_page() -> Any:
    """Overdue tasks (by working days), stuck cases, open work by stage, department and assignee."""
    ctx = engine_context()
    actor = current_actor()
    try:
        with ctx.sessions() as session:
            view = dashboard.overview(ctx, session, actor, ctx.clock.now())
            members = {g: users.group_members(session, g) for g in GROUP_LABELS}
    except Forbidden:
        abort(403)
    return render_template("dashboard.html", view=view, members=members, groups=GROUP_LABELS)


# The endpoint name the other views redirect to.
bp.add_url_rule("/dashboard", endpoint="dashboard", view_func=dashboard_page)


@bp.post("/dashboard/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str) -> Any:
    """Give a task to another member of its group."""
    try:
        supervision.reassign_task(engine_context(), current_actor(), task_id[:36], request.form.get("assignee", "")[:80])
        flash(_("The task was reassigned."))
    except EngineError as exc:
        flash("; ".join(m for ms in getattr(exc, "fields", {}).values() for m in ms) or exc.message, "error")
    return redirect(url_for("ui_dashboard.dashboard"))


@bp.post("/dashboard/tasks/<task_id>/remind")
@login_required
def remind(task_id: str) -> Any:
    """Send a reminder to whoever holds (or may take) the task."""
    try:
        names = supervision.remind(engine_context(), current_actor(), task_id[:36], request.form.get("note", "")[:200])
        flash(_("Reminder sent to %(names)s.", names="、".join(names) or "—"))
    except EngineError as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui_dashboard.dashboard"))
