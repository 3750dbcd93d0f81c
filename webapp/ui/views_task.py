"""The task page: the form rendered from its form-js definition beside the case summary and earlier steps."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import Conflict, EngineError, FormInvalid, NotFound, ScriptFailed, TaskNotReady
from engine.groups import GROUP_LABELS
from engine.persistence.models import Case
from engine.procedure import services, task_drafts
from engine.reading import queries

from ..guards import form_number
from . import formrender
from .session import current_actor, engine_context, login_required

bp = Blueprint("ui_task", __name__)


def _page(task_id: str, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
          message: str | None = None, status: int = 200) -> Any:
    """Render the task page; `values` and `errors` come from a refused submission."""
    actor = current_actor()
    ctx = engine_context()
    try:
        with ctx.sessions() as session:
            task, steps = queries.task_page(ctx, session, actor, task_id, ctx.clock.now())
            bundle = ctx.bundle_of_version(session, _version_of(session, task["case_id"]))
    except TaskNotReady:
        flash(_("This task has already been completed."), "error")
        return redirect(url_for("ui_inbox.inbox"))
    except NotFound:
        abort(404)
    may_act = task["assignee"] == actor.username
    if values is None:
        values = {**task["values"], **(task_drafts.load_draft(ctx, actor, task_id) or {})} if may_act else task["values"]
    form_html = formrender.render_form(task["form"], values, errors or {}, options_data=task["context"], readonly=not may_act)
    earlier = [
        {**step, "html": formrender.render_form(bundle.form(step["form"]).source, step["data"], {}, readonly=True,
                                                id_prefix=f"step-{n}")}
        if step["form"] in bundle.forms else {**step, "html": None}
        for n, step in enumerate(steps)
    ]
    days_left = ctx.calendar.working_days_left(task["due_at"], ctx.clock.now()) if task["due_at"] else None
    return render_template("task.html", task=task, form_html=form_html, steps=earlier, may_act=may_act,
                           message=message, days_left=days_left, groups=GROUP_LABELS), status


def _version_of(session: Any, case_id: int) -> int:
    case = session.get(Case, case_id)
    assert case is not None
    return case.process_version_id


@bp.get("/tasks/<task_id>")
@login_required
def task(task_id: str) -> Any:
    """Show a task (its form editable by the assignee)."""
    return _page(task_id[:36])


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str) -> Any:
    """Save the input as a draft, or complete the task; a refused form comes back with the input kept."""
    task_id = task_id[:36]
    actor = current_actor()
    ctx = engine_context()
    with ctx.sessions() as session:
        try:
            case_id, form = queries.task_form(ctx, session, actor, task_id)
        except NotFound:
            abort(404)
    data = formrender.parse_submission(form, request.form)
    if request.form.get("action") == "save":
        try:
            task_drafts.save_draft(ctx, actor, task_id, data)
        except EngineError as exc:
            return _page(task_id, data, getattr(exc, "fields", None), exc.message, 400)
        flash(_("Your input was saved as a draft."))
        return redirect(url_for("ui_task.task", task_id=task_id))
    expected = request.form.get("expected_version", "")
    try:
        result = services.complete_task(ctx, actor, task_id, data, form_number(expected))
    except FormInvalid as exc:
        return _page(task_id, data, exc.fields, _("Please correct the marked fields."), 400)
    except TaskNotReady:
        flash(_("This task has already been completed."), "error")
        return redirect(url_for("ui_inbox.inbox"))
    except Conflict as exc:
        return _page(task_id, data, None, exc.message, 409)
    except ScriptFailed as exc:
        flash(_("The step could not be completed and was reported to the supervisors: %(reason)s", reason=exc.message),
              "error")
        return redirect(url_for("ui_case.case", case_id=case_id))
    except EngineError as exc:
        return _page(task_id, data, None, exc.message, 403)
    task_drafts.discard_drafts(ctx, task_id)
    flash(_("Step completed."))
    with ctx.sessions() as session:
        where = queries.step_view(session, actor, result.case_id)
    if not where["case_visible"]:
        return redirect(url_for("ui_inbox.inbox"))  # the step was theirs, the rest of the case is not
    return redirect(url_for("ui_case.case", case_id=result.case_id))

