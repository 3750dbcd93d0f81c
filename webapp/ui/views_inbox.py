"""我的待办: my tasks and my groups' queues, sorted and filtered; claim and release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import EngineError
from engine.groups import GROUP_LABELS
from engine.notifications.inbox import mark_all_read, notifications_of
from engine.procedure import services
from engine.reading import queries
from engine.reading.queries import InboxItem

from ..context import engine_context
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_inbox", __name__)

SORTS = {
    "due": lambda row: (row.item.due_at is None, row.item.due_at or row.item.created_at),
    "waiting": lambda row: row.item.created_at,
    "case": lambda row: (row.item.case_id, row.item.created_at),
}


@dataclass(frozen=True)
class InboxRow:
    """An inbox line with what the page shows beside the task."""

    item: InboxItem
    mine: bool
    waiting_days: int
    days_left: int | None


def _rows(items: list[InboxItem], mine: bool, now: datetime) -> list[InboxRow]:
    cal = engine_context().calendar
    return [InboxRow(i, mine, (now - i.created_at).days, cal.working_days_left(i.due_at, now) if i.due_at else None)
            for i in items]


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    """The inbox is the start page."""
    return redirect(url_for("ui_inbox.inbox"))


@bp.get("/inbox")
@login_required
def inbox() -> ResponseReturnValue:
    """My tasks and my groups' unclaimed tasks."""
    actor = current_actor()
    ctx = engine_context()
    now = ctx.clock.now()
    with ctx.sessions() as session:
        rows = _rows(queries.my_tasks(session, actor, now), True, now)
        rows += _rows(queries.claimable_tasks(session, actor, now), False, now)
    group = request.args.get("group", "")
    text = request.args.get("q", "").strip()
    overdue_only = request.args.get("overdue") == "1"
    if group:
        rows = [r for r in rows if r.item.group == group]
    if text:
        rows = [r for r in rows if text in (r.item.cadre_name or "") or text in (r.item.matter or "") or text in r.item.name]
    if overdue_only:
        rows = [r for r in rows if r.item.overdue]
    sort = request.args.get("sort", "due")
    rows.sort(key=SORTS.get(sort, SORTS["due"]))
    groups = {g: GROUP_LABELS.get(g, g) for g in sorted(actor.groups)}
    return render_template("inbox.html", mine=[r for r in rows if r.mine], queue=[r for r in rows if not r.mine],
                           groups=groups, group=group, q=text, overdue=overdue_only, sort=sort)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    """Claim a task, then open it."""
    try:
        services.claim_task(engine_context(), current_actor(), task_id)
    except EngineError as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui_inbox.inbox"))
    return redirect(url_for("ui_task.task", task_id=task_id))


@bp.post("/tasks/<task_id>/release")
@login_required
def release(task_id: str) -> ResponseReturnValue:
    """Put a task back into its group's queue."""
    try:
        services.release_task(engine_context(), current_actor(), task_id)
        flash(_("The task is back in its group's queue."))
    except EngineError as exc:
        flash(exc.message, "error")
    return redirect(url_for("ui_inbox.inbox"))


@bp.get("/notifications")
@login_required
def notifications() -> ResponseReturnValue:
    """My reminders and assignments, newest first."""
    found = notifications_of(engine_context(), current_actor().username)
    return render_template("notifications.html", notifications=found.items)


@bp.post("/notifications/read")
@login_required
def mark_read() -> ResponseReturnValue:
    """Mark all my notifications read."""
    mark_all_read(engine_context(), current_actor().username)
    return redirect(url_for("ui_inbox.notifications"))
