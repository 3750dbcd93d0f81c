"""The task page: the form rendered from its form-js definition beside the case summary and earlier steps."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import Conflict, EngineError, FormInvalid, NotFound, ScriptFailed, TaskNotReady
from engine.groups import GROUP_LABELS
from engine.procedure import attachments, services, task_drafts
from engine.procedure.attachment_rows import Upload, max_bytes
from engine.reading import queries
from engine.reading.attachments import case_attachments

from .. import engine_messages
from ..api.attachments import MULTIPART_SLACK, read_upload
from ..context import engine_context
from ..guards import form_number
from . import formrender
from .blueprint import UiBlueprint
from .session import current_actor, login_required
from .views_filings import cited_filing_panel
from .views_warnings import signs_of_case

bp = UiBlueprint("ui_task", __name__)
# How many files of the full size one post of a step's form may carry (each file is checked against the limit).
FILES_PER_POST = 4


@bp.before_request
def room_for_step_files() -> None:
    """A step's form may carry files for its pickers: its body may hold a few files of the configured size."""
    if request.mimetype == "multipart/form-data":
        request.max_content_length = max_bytes(engine_context()) * FILES_PER_POST + MULTIPART_SLACK


def file_names(case_id: int) -> dict[int, str]:
    """The case's files by id, for the pickers' lists (none for a reader who may not read the case)."""
    try:
        with engine_context().sessions() as session:
            return {a["id"]: a["file_name"] for a in case_attachments(session, current_actor(), case_id)}
    except NotFound:
        return {}


def _page(task_id: str, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
          message: str | None = None, status: int = 200) -> ResponseReturnValue:
    """Render the task page; `values` and `errors` come from a refused submission."""
    actor = current_actor()
    ctx = engine_context()
    try:
        with ctx.sessions() as session:
            task, steps = queries.task_page(ctx, session, actor, task_id, ctx.clock.now())
    except TaskNotReady:
        return _already_completed()
    may_act = task["assignee"] == actor.username
    if values is None:
        values = {**task["values"], **(task_drafts.load_draft(ctx, actor, task_id) or {})} if may_act else task["values"]
    names = file_names(task["case_id"])
    form_html = formrender.render_form(task["form"], values, errors or {}, options_data=task["context"], readonly=not may_act,
                                       file_names=names)
    days_left = ctx.calendar.working_days_left(task["due_at"], ctx.clock.now()) if task["due_at"] else None
    return render_template("task.html", task=task, form_html=form_html, steps=_earlier_steps(steps, names), file_names=names,
                           may_act=may_act, message=message, days_left=days_left, groups=GROUP_LABELS,
                           signs=signs_of_case(task["case_id"]), cited=cited_filing_panel(task["case_id"]),
                           summary=formrender.error_summary(task["form"], errors or {})), status


def _earlier_steps(steps: list[dict[str, Any]], names: dict[int, str]) -> list[dict[str, Any]]:
    """The case's completed steps, each with its form rendered read-only (None when the version has no such form)."""
    return [{**step, "html": formrender.render_form(step["form_source"], step["data"], {}, readonly=True,
                                                    id_prefix=f"step-{n}", file_names=names)
             if step["form_source"] else None}
            for n, step in enumerate(steps)]


def _already_completed() -> ResponseReturnValue:
    flash(_("This task has already been completed."), "error")
    return redirect(url_for("ui_inbox.inbox"))


@bp.get("/tasks/<task_id>")
@login_required
def task(task_id: str) -> ResponseReturnValue:
    """Show a task (its form editable by the assignee)."""
    return _page(task_id)


@bp.post("/tasks/<task_id>")
@login_required
def submit(task_id: str) -> ResponseReturnValue:
    """Save the input as a draft, or complete the task; a refused form comes back with the input kept."""
    ctx = engine_context()
    with ctx.sessions() as session:
        case_id, form = queries.task_form(ctx, session, current_actor(), task_id)
    data = formrender.parse_submission(form, request.form)
    if refused := _attach_files(task_id, case_id, formrender.file_keys(form), data):
        return _page(task_id, data, refused, _("Please correct the marked fields."), 400)
    if request.form.get("action") == "save":
        return _save_draft(task_id, data)
    return _complete(task_id, case_id, data)


def _attach_files(task_id: str, case_id: int, keys: tuple[str, ...], data: formrender.Submission) -> dict[str, list[str]]:
    """Attach the files posted to the form's pickers to the case, each in its own transaction, and add their ids to
    the values: a form refused afterwards still lists them. Returns each picker's refused files' reasons."""
    refused: dict[str, list[str]] = {}
    posted = data.posted.copy()
    for key in keys:
        for storage in (f for f in request.files.getlist(key) if f.filename):
            try:
                added = attachments.add_attachment(engine_context(), current_actor(), case_id,
                                                   Upload(storage.filename or "", read_upload(storage), task_id=task_id))
            except EngineError as exc:
                refused.setdefault(key, []).append(f"{storage.filename}：{engine_messages.summary_of(exc)}")
                continue
            data[key] = [*data.get(key, []), added]
            posted.add(key, str(added))
    data.posted = posted
    return refused


def _save_draft(task_id: str, data: formrender.Submission) -> ResponseReturnValue:
    """Keep the input as the assignee's draft; refused input comes back on the page."""
    try:
        task_drafts.save_draft(engine_context(), current_actor(), task_id, data)
    except EngineError as exc:
        fields = engine_messages.field_texts(exc.fields) if isinstance(exc, FormInvalid) else None
        return _page(task_id, data, fields, engine_messages.message_of(exc), 400)
    flash(_("Your input was saved as a draft."))
    return redirect(url_for("ui_task.task", task_id=task_id))


def _complete(task_id: str, case_id: int, data: formrender.Submission) -> ResponseReturnValue:
    """Complete the task with the input; each way the engine refuses has its own answer."""
    expected = form_number(request.form.get("expected_version", ""))
    try:
        actor = current_actor()
        result = services.complete_task(engine_context(), actor, task_id, data, expected,
                                        view=lambda session, case, rows: queries.step_view_of(session, actor, case, rows))
    except FormInvalid as exc:
        return _page(task_id, data, engine_messages.field_texts(exc.fields), _("Please correct the marked fields."), 400)
    except TaskNotReady:
        return _already_completed()
    except Conflict as exc:
        return _page(task_id, data, None, engine_messages.message_of(exc), 409)
    except ScriptFailed as exc:
        flash(_("The step could not be completed and was reported to the supervisors: %(reason)s",
                reason=engine_messages.message_of(exc)), "error")
        return redirect(url_for("ui_case.case", case_id=case_id))
    except EngineError as exc:
        return _page(task_id, data, None, engine_messages.message_of(exc), 403)
    flash(_("Step completed."))
    # The case's page, or the inbox when the step was the user's but the rest of the case is not.
    if result.view is None or not result.view["case_visible"]:
        return redirect(url_for("ui_inbox.inbox"))
    return redirect(url_for("ui_case.case", case_id=result.case_id))
