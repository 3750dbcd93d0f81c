"""监督看板: overdue tasks and stuck cases with the actions supervisors take on them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.access import users
from engine.errors import EngineError
from engine.groups import GROUP_LABELS
from engine.procedure import repair, supervision
from engine.reading import dashboard

from .. import engine_messages
from ..context import engine_context
from ..guards import form_number
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_dashboard", __name__)


@bp.get("/dashboard", endpoint="dashboard")
@login_required
def dashboard_page() -> ResponseReturnValue:
    """Overdue tasks (by working days), stuck cases, open work by stage, department and assignee."""
    ctx = engine_context()
    actor = current_actor()
    page = max(1, min(form_number(request.args.get("page")) or 1, 100_000))
    with ctx.sessions() as session:
        view = dashboard.overview(ctx, session, actor, ctx.clock.now(), page)
        # One list for the bulk form; each row's own choice is fetched when a supervisor asks for it.
        members = users.members_by_group(session, GROUP_LABELS) if view.overdue else {}
        shown = {name for t in view.overdue for name in (t.assignee, t.candidate) if name}
        people = users.person_labels(session, [m for names in members.values() for m in names] + sorted(shown))
    return render_template("dashboard.html", view=view, members=members, groups=GROUP_LABELS, people=people)


@bp.get("/dashboard/tasks/<task_id>/reassign")
@login_required
def reassign_form(task_id: str) -> ResponseReturnValue:
    """The task and the members of its group it may be given to."""
    ctx = engine_context()
    with ctx.sessions() as session:
        choice = dashboard.reassign_choice(session, current_actor(), task_id[:36], ctx.clock.now(), ctx)
    return render_template("reassign.html", choice=choice, groups=GROUP_LABELS)


@bp.post("/dashboard/tasks/<task_id>/reassign")
@login_required
def reassign(task_id: str) -> ResponseReturnValue:
    """Give a task to another member of its group."""
    try:
        supervision.reassign_task(engine_context(), current_actor(), task_id, request.form.get("assignee", "")[:80])
        flash(_("The task was reassigned."))
    except EngineError as exc:
        flash(engine_messages.summary_of(exc), "error")
    return redirect(url_for("ui_dashboard.dashboard"))


@bp.post("/dashboard/tasks/<task_id>/remind")
@login_required
def remind(task_id: str) -> ResponseReturnValue:
    """Send a reminder to whoever holds (or may take) the task."""
    try:
        names = supervision.remind(engine_context(), current_actor(), task_id, request.form.get("note", "")[:200])
        flash(_("Reminder sent to %(names)s.", names="、".join(names) or "—"))
    except EngineError as exc:
        flash(engine_messages.message_of(exc), "error")
    return redirect(url_for("ui_dashboard.dashboard"))


BULK_REPAIRS = ("retry", "suspend", "resume", "terminate", "migrate")


def _report(outcomes: list[tuple[str, bool, str]]) -> None:
    """Flash how many succeeded and why the others did not."""
    done = sum(ok for _, ok, _ in outcomes)
    flash(_("%(done)s of %(total)s done.", done=done, total=len(outcomes)))
    for name, ok, message in outcomes:
        if not ok:
            flash(f"{name}：{message}", "error")


@bp.post("/dashboard/repair")
@login_required
def bulk_repair() -> ResponseReturnValue:
    """Apply one repair to the selected cases."""
    ctx = engine_context()
    actor = current_actor()
    action = request.form.get("action", "")
    ids = [n for n in map(form_number, request.form.getlist("case_ids")) if n is not None]
    if action not in BULK_REPAIRS or not ids:
        flash(_("Select cases and an action."), "error")
        return redirect(url_for("ui_dashboard.dashboard"))
    reason = request.form.get("reason", "")[:500]
    actions = {
        "retry": lambda case_id: repair.retry(ctx, actor, case_id),
        "suspend": lambda case_id: repair.suspend(ctx, actor, case_id, reason),
        "resume": lambda case_id: repair.resume(ctx, actor, case_id, reason),
        "terminate": lambda case_id: repair.terminate(ctx, actor, case_id, reason),
        "migrate": lambda case_id: repair.migrate(ctx, actor, case_id),
    }
    outcomes = repair.bulk(ids, actions[action])
    _report([(f"#{o.case_id}", o.ok, o.message) for o in outcomes])
    return redirect(url_for("ui_dashboard.dashboard"))


@bp.post("/dashboard/reassign")
@login_required
def bulk_reassign() -> ResponseReturnValue:
    """Give the selected tasks to one person."""
    task_ids = [v[:36] for v in request.form.getlist("task_ids")]
    if not task_ids:
        flash(_("Select tasks first."), "error")
        return redirect(url_for("ui_dashboard.dashboard"))
    outcomes = supervision.reassign_many(engine_context(), current_actor(), task_ids, request.form.get("assignee", "")[:80])
    _report([(o.task_id[:8], o.ok, o.message) for o in outcomes])
    return redirect(url_for("ui_dashboard.dashboard"))
