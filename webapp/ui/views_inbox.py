"""我的待办: my tasks and my groups' queues, sorted and filtered; claim and release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engine.errors import EngineError
from engine.groups import GROUP_LABELS
from engine.notifications import choices
from engine.notifications.inbox import mark_all_read, notifications_of
from engine.persistence.models import TaskIndex, User
from engine.procedure import services
from engine.reading import queries
from engine.reading.queries import InboxItem

from .. import engine_messages
from ..context import engine_context
from ..guards import form_number
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_inbox", __name__)

# Groups that handle no case: their members start on their own page.
OWN_PAGE_GROUPS = frozenset({"process_owner", "admin"})
# Rows per page of each table: an inbox stays quick however many tasks wait in a group.
PER_PAGE = 50


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
    """The start page: the inbox for those who handle cases; the library for a process owner and administration
    for an administrator who handle none (their inbox would always be empty)."""
    groups = set(current_actor().groups)
    if groups and groups <= OWN_PAGE_GROUPS:
        return redirect(url_for("ui_library.index" if "process_owner" in groups else "ui_admin.calendar_page"))
    return redirect(url_for("ui_inbox.inbox"))


@bp.get("/inbox")
@login_required
def inbox() -> ResponseReturnValue:
    """My tasks and my groups' unclaimed tasks, each a page at a time, filtered and sorted in the database."""
    actor = current_actor()
    ctx = engine_context()
    now = ctx.clock.now()
    group = request.args.get("group", "")
    group = group if group in actor.groups else ""
    text = request.args.get("q", "").strip()[:100]
    overdue_only = request.args.get("overdue") == "1"
    sort = request.args.get("sort", "due")
    sort = sort if sort in queries.INBOX_SORTS else "due"
    pages = {"page": _page_arg("page"), "qpage": _page_arg("qpage")}
    with ctx.sessions() as session:
        mine, mine_total = queries.inbox_page(session, actor, now, queries.InboxQuery(True, group, text, overdue_only, sort),
                                              (pages["page"] - 1) * PER_PAGE, PER_PAGE)
        queue, queue_total = queries.inbox_page(session, actor, now,
                                                queries.InboxQuery(False, group, text, overdue_only, sort),
                                                (pages["qpage"] - 1) * PER_PAGE, PER_PAGE)
    groups = {g: GROUP_LABELS.get(g, g) for g in sorted(actor.groups)}
    return render_template("inbox.html", mine=_rows(mine, True, now), queue=_rows(queue, False, now), groups=groups,
                           group=group, q=text, overdue=overdue_only, sort=sort, pages=pages,
                           page_counts={"page": -(-mine_total // PER_PAGE), "qpage": -(-queue_total // PER_PAGE)},
                           totals={"page": mine_total, "qpage": queue_total})


def _page_arg(name: str) -> int:
    return max(1, min(form_number(request.args.get(name)) or 1, 100_000))


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    """Claim a task, then open it."""
    try:
        services.claim_task(engine_context(), current_actor(), task_id)
    except EngineError as exc:
        flash(engine_messages.message_of(exc), "error")
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
        flash(engine_messages.message_of(exc), "error")
    return redirect(url_for("ui_inbox.inbox"))


@bp.get("/notifications")
@login_required
def notifications() -> ResponseReturnValue:
    """My reminders and assignments, newest first, a page at a time (only the unread ones if asked)."""
    unread_only = request.args.get("unread") == "1"
    ctx, username = engine_context(), current_actor().username
    found = notifications_of(ctx, username, _page_arg("page"), PER_PAGE, unread_only)
    if found.page > found.pages:
        # A page beyond the last (read meanwhile, or typed by hand) shows the last one instead of nothing.
        found = notifications_of(ctx, username, found.pages, PER_PAGE, unread_only)
    # A task done since leads to its case: the task's page is gone.
    task_ids = [n.task_id for n in found.items if n.task_id]
    with ctx.sessions() as session:
        open_tasks = set(session.scalars(select(TaskIndex.id).where(TaskIndex.id.in_(task_ids)))) if task_ids else set()
    return render_template("notifications.html", notifications=found.items, found=found, unread_only=unread_only,
                           open_tasks=open_tasks)


@bp.post("/notifications/read")
@login_required
def mark_read() -> ResponseReturnValue:
    """Mark all my notifications read."""
    mark_all_read(engine_context(), current_actor().username)
    return redirect(url_for("ui_inbox.notifications"))


def _kind_labels() -> dict[str, str]:
    """The words of each kind of notification, in the order of the settings."""
    labels = {"new_task": _("A new task for me or my group"), "reassigned": _("A task reassigned to me"),
              "supplement_requested": _("A request to supplement my unit's application"),
              "ruling_issued": _("A ruling issued on my unit's case"), "reminder": _("A reminder of a task due soon"),
              "escalation": _("A task past its time limit")}
    return {k: labels[k] for k in choices.KINDS}


@bp.get("/notifications/settings")
@login_required
def notice_settings() -> ResponseReturnValue:
    """Which kinds of notification I receive in the app and by mail."""
    ctx, actor = engine_context(), current_actor()
    with ctx.sessions() as session:
        has_email = bool(session.scalar(select(User.email).where(User.username == actor.username)))
    return render_template("notification_settings.html", choices=choices.choices_of(ctx, actor.username),
                           labels=_kind_labels(), has_email=has_email)


@bp.post("/notifications/settings")
@login_required
def save_notice_settings() -> ResponseReturnValue:
    """Save the ticked choices: unticked means off."""
    choices.save_choices(engine_context(), current_actor().username, choices.parse_form(request.form))
    flash(_("Your notification settings were saved."))
    return redirect(url_for("ui_inbox.notice_settings"))
