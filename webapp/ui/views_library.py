"""流程库: deployed versions, drafts, importing files from other tools, validating, comparing and deploying."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.errors import Conflict, FormInvalid, ModelInvalid, NotFound
from engine.groups import GROUP_LABELS
from engine.library import process_library, versions
from engine.persistence.models import BundleDraft

from .. import engine_messages
from ..context import engine_context
from ..guards import form_number
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_library", __name__, url_prefix="/library")


def _reader() -> None:
    """Go on only for a reader of the library (Forbidden otherwise: the 403 page)."""
    process_library.ensure_reader(current_actor())


def _uploads() -> dict[str, bytes]:
    return {f.filename or "": f.read() for f in request.files.getlist("files") if f.filename}


def _report(outcomes: list[process_library.FileOutcome]) -> None:
    taken = [o.name for o in outcomes if o.accepted]
    if taken:
        flash(_("Taken into the draft: %(names)s", names="、".join(taken)))
    for outcome in outcomes:
        if not outcome.accepted:
            flash(_("%(name)s was refused: %(reasons)s", name=outcome.name, reasons="；".join(outcome.reasons)), "error")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    """Every process with its versions and cases, the drafts, and the import form."""
    _reader()
    ctx, actor = engine_context(), current_actor()
    return render_template("library.html", processes=versions.library(ctx, actor), drafts=versions.recent_drafts(ctx, actor),
                           owner=process_library.OWNER in current_actor().groups)


@bp.get("/versions/<int:deployment_id>.zip")
@login_required
def download(deployment_id: int) -> ResponseReturnValue:
    """A deployed version's files as a zip archive."""
    return Response(versions.as_zip(_version_files(deployment_id)), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=rcjc-version-{deployment_id}.zip"})


@bp.post("/drafts")
@login_required
def create() -> ResponseReturnValue:
    """Start a draft from uploaded files or from a deployed version."""
    source = request.form.get("from_deployment", "")
    try:
        draft_id, outcomes = process_library.create_draft(engine_context(), current_actor(), request.form.get("name", ""),
                                                          _uploads(), form_number(source))
    except (FormInvalid, NotFound) as exc:
        flash(engine_messages.summary_of(exc), "error")
        return redirect(url_for("ui_library.index"))
    _report(outcomes)
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int) -> ResponseReturnValue:
    """A draft's files, what stops it from deploying (on the diagram), and what it changes."""
    _reader()
    review = versions.review_draft(engine_context(), current_actor(), draft_id, request.args.get("file"))
    labels = {"added": _("added"), "removed": _("removed"), "changed": _("changed"), "problem": _("cannot be deployed")}
    return render_template("draft.html", draft=review.draft, change_labels=labels, compared=review.compared,
                           files=sorted(review.files), problems=review.problems, shown=review.shown, marks=review.marks,
                           changes=review.changes, newest=review.newest, owner=process_library.OWNER in current_actor().groups)


@bp.get("/drafts/<int:draft_id>/files/<path:name>")
@login_required
def draft_file(draft_id: int, name: str) -> ResponseReturnValue:
    """One file of a draft, as stored (the viewer loads BPMN from here)."""
    _reader()
    _, files = process_library.draft_files(engine_context(), draft_id)
    return _one_file(files, name)


@bp.post("/drafts/<int:draft_id>/files")
@login_required
def add(draft_id: int) -> ResponseReturnValue:
    """Import more files into a draft."""
    try:
        _report(process_library.add_files(engine_context(), current_actor(), draft_id, _uploads()))
    except (FormInvalid, Conflict) as exc:
        flash(engine_messages.summary_of(exc), "error")
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/files/<path:name>/delete")
@login_required
def remove(draft_id: int, name: str) -> ResponseReturnValue:
    """Take a file out of a draft."""
    process_library.remove_file(engine_context(), current_actor(), draft_id, name)
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/deploy")
@login_required
def deploy(draft_id: int) -> ResponseReturnValue:
    """Deploy the draft as a new version."""
    revision = request.form.get("revision", "")
    try:
        result = process_library.deploy_draft(engine_context(), current_actor(), draft_id, form_number(revision))
    except ModelInvalid:
        flash(_("The draft cannot be deployed yet: see the problems below."), "error")
        return redirect(url_for("ui_library.draft", draft_id=draft_id))
    except Conflict as exc:
        flash(engine_messages.message_of(exc), "error")
        return redirect(url_for("ui_library.draft", draft_id=draft_id))
    versions = "、".join(f"{p} v{v}" for p, v in sorted(result.versions.items()))
    if result.created:
        flash(_("Deployed as a new version: %(versions)s", versions=versions))
    else:
        flash(_("This content is already deployed: %(versions)s", versions=versions))
    return redirect(url_for("ui_library.index"))


@bp.get("/drafts/<int:draft_id>/model/<path:name>")
@login_required
def modeler(draft_id: int, name: str) -> ResponseReturnValue:
    """Edit a BPMN file of a draft in the modeler, with a panel for what rcjc reads from each element."""
    found, files = _editable(draft_id, name, ".bpmn")
    forms = sorted(_form_ids(files))
    settings = {"forms": forms, "limits": sorted(engine_context().config.limits), "groups": sorted(GROUP_LABELS)}
    return render_template("modeler.html", draft=found, name=name, settings=settings, labels=modeler_labels())


def _form_ids(files: dict[str, bytes]) -> set[str]:
    ids = set()
    for file_name, content in files.items():
        if file_name.endswith(".json"):
            try:
                ids.add(str(json.loads(content.decode("utf-8"))["id"]))
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                continue
    return ids


@bp.post("/drafts/<int:draft_id>/files/<path:name>/save")
@login_required
def save(draft_id: int, name: str) -> ResponseReturnValue:
    """Save a file edited in the browser; a stale revision is a conflict, never an overwrite."""
    revision = request.headers.get("X-Draft-Revision", "")
    try:
        outcomes = process_library.add_files(engine_context(), current_actor(), draft_id, {name: request.get_data()},
                                             form_number(revision))
    except Conflict as exc:
        return jsonify({"error": engine_messages.message_of(exc)}), 409
    except FormInvalid as exc:
        return jsonify({"error": engine_messages.summary_of(exc)}), 400
    if not outcomes[0].accepted:
        return jsonify({"error": "；".join(outcomes[0].reasons)}), 400
    found, _files = process_library.draft_files(engine_context(), draft_id)
    return jsonify({"revision": found.revision})


@bp.get("/drafts/<int:draft_id>/problems")
@login_required
def problems(draft_id: int) -> ResponseReturnValue:
    """What stops the draft from deploying, for the modeler to mark on the diagram."""
    _reader()
    found = process_library.validate_draft(engine_context(), draft_id)
    return jsonify([{"file": p.file, "line": p.line, "element_id": p.element_id, "reason": p.reason} for p in found])


# The modeler's own words (bpmn-js palette and context pad) and the panel's, in the page's language.
MODELER_LABELS = {
    "Activate create/remove space tool": lazy_gettext("Activate create/remove space tool"),
    "Activate global connect tool": lazy_gettext("Activate global connect tool"),
    "Activate hand tool": lazy_gettext("Activate hand tool"),
    "Activate lasso tool": lazy_gettext("Activate lasso tool"),
    "Add lane above": lazy_gettext("Add lane above"),
    "Add lane below": lazy_gettext("Add lane below"),
    "Add text annotation": lazy_gettext("Add text annotation"),
    "Append end event": lazy_gettext("Append end event"),
    "Append gateway": lazy_gettext("Append gateway"),
    "Append intermediate/boundary event": lazy_gettext("Append intermediate/boundary event"),
    "Append task": lazy_gettext("Append task"),
    "Append timer intermediate catch event": lazy_gettext("Append timer intermediate catch event"),
    "Change element": lazy_gettext("Change element"),
    "Connect to other element": lazy_gettext("Connect to other element"),
    "Create data object reference": lazy_gettext("Create data object reference"),
    "Create data store reference": lazy_gettext("Create data store reference"),
    "Create end event": lazy_gettext("Create end event"),
    "Create expanded sub-process": lazy_gettext("Create expanded sub-process"),
    "Create gateway": lazy_gettext("Create gateway"),
    "Create group": lazy_gettext("Create group"),
    "Create intermediate/boundary event": lazy_gettext("Create intermediate/boundary event"),
    "Create pool/participant": lazy_gettext("Create pool/participant"),
    "Create start event": lazy_gettext("Create start event"),
    "Create task": lazy_gettext("Create task"),
    "Delete": lazy_gettext("Delete"),
    "Divide into three lanes": lazy_gettext("Divide into three lanes"),
    "Divide into two lanes": lazy_gettext("Divide into two lanes"),
    "Search in diagram": lazy_gettext("Search in diagram"),
    "Toggle non-interrupting": lazy_gettext("Toggle non-interrupting"),
    "Select an element": lazy_gettext("Select an element"),
    "Id": lazy_gettext("Id"),
    "Name": lazy_gettext("Name"),
    "Group (lane)": lazy_gettext("Group (lane)"),
    "Form": lazy_gettext("Form"),
    "Time limit": lazy_gettext("Time limit"),
    "Counted from (date field)": lazy_gettext("Counted from (date field)"),
    "Only this person (data field)": lazy_gettext("Only this person (data field)"),
    "Excluded: handlers of (lanes)": lazy_gettext("Excluded: handlers of (lanes)"),
    "Limit continues across rounds": lazy_gettext("Limit continues across rounds"),
    "Script": lazy_gettext("Script"),
    "Condition": lazy_gettext("Condition"),
    'Timer (e.g. deadline("acceptance"))': lazy_gettext('Timer (e.g. deadline("acceptance"))'),
    "Notify": lazy_gettext("Notify"),
    "Add reminder and escalation timers": lazy_gettext("Add reminder and escalation timers"),
    "Choose a time limit first.": lazy_gettext("Choose a time limit first."),
    "Reminder": lazy_gettext("Reminder"),
    "Escalation": lazy_gettext("Escalation"),
    "Saving…": lazy_gettext("Saving…"),
    "Saved.": lazy_gettext("Saved."),
    "Not saved: ": lazy_gettext("Not saved: "),
}


def modeler_labels() -> dict[str, str]:
    """The labels in the page's language."""
    return {key: str(text) for key, text in MODELER_LABELS.items()}


def _editable(draft_id: int, name: str, suffix: str) -> tuple[BundleDraft, dict[str, bytes]]:
    """The draft and its files, when the user may edit and the file exists with this suffix."""
    process_library.ensure_owner(current_actor())
    found, files = process_library.draft_files(engine_context(), draft_id)
    if name not in files or not name.endswith(suffix):
        abort(404)
    return found, files


@bp.get("/drafts/<int:draft_id>/form/<path:name>")
@login_required
def form_editor(draft_id: int, name: str) -> ResponseReturnValue:
    """Edit a form of a draft in the form-js editor."""
    found, _files = _editable(draft_id, name, ".json")
    return render_template("form_editor.html", draft=found, name=name, labels=modeler_labels())


@bp.get("/drafts/<int:draft_id>/table/<path:name>")
@login_required
def table_editor(draft_id: int, name: str) -> ResponseReturnValue:
    """Edit a decision table of a draft in the DMN editor."""
    found, _files = _editable(draft_id, name, ".dmn")
    return render_template("table_editor.html", draft=found, name=name, labels=modeler_labels())


@bp.get("/versions/<int:deployment_id>/files/<path:name>")
@login_required
def version_file(deployment_id: int, name: str) -> ResponseReturnValue:
    """One file of a deployed version (the side-by-side comparison draws it)."""
    return _one_file(_version_files(deployment_id), name)


def _version_files(deployment_id: int) -> dict[str, bytes]:
    """The files of a deployed version, for a reader of the library; 404 when there is no such version."""
    _reader()
    return versions.deployment_files(engine_context(), current_actor(), deployment_id)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _one_file(files: dict[str, bytes], name: str) -> Response:
    """One file of a bundle, shown in the browser rather than downloaded (a document template is downloaded)."""
    if name not in files:
        abort(404)
    if name.endswith(".docx"):
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
        return Response(files[name], mimetype=DOCX, headers={"Content-Disposition": disposition})
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return Response(files[name], mimetype=mimetype, headers={"Content-Disposition": "inline"})
