"""流程库: deployed versions, drafts, importing files from other tools, validating, comparing and deploying."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import library
from engine.errors import Conflict, EngineError, Forbidden, FormInvalid, ModelInvalid, NotFound
from engine.models import BundleDraft

from .session import current_actor, engine_context, login_required

bp = Blueprint("ui_library", __name__, url_prefix="/library")


def _reader() -> None:
    try:
        library.ensure_reader(current_actor())
    except Forbidden:
        abort(403)


def _uploads() -> dict[str, bytes]:
    return {f.filename or "": f.read() for f in request.files.getlist("files") if f.filename}


def _report(outcomes: list[library.FileOutcome]) -> None:
    taken = [o.name for o in outcomes if o.accepted]
    if taken:
        flash(_("Taken into the draft: %(names)s", names="、".join(taken)))
    for outcome in outcomes:
        if not outcome.accepted:
            flash(_("%(name)s was refused: %(reasons)s", name=outcome.name, reasons="；".join(outcome.reasons)), "error")


def _fields_message(exc: EngineError) -> str:
    return "；".join(m for ms in getattr(exc, "fields", {}).values() for m in ms) or exc.message


@bp.get("")
@login_required
def index() -> Any:
    """Every process with its versions and cases, the drafts, and the import form."""
    _reader()
    ctx = engine_context()
    with ctx.sessions() as session:
        processes = library.library(session, current_actor())
        drafts = list(session.scalars(select(BundleDraft).order_by(BundleDraft.updated_at.desc()).limit(50)))
    return render_template("library.html", processes=processes, drafts=drafts,
                           owner=library.OWNER in current_actor().groups)


@bp.get("/versions/<int:deployment_id>.zip")
@login_required
def download(deployment_id: int) -> Any:
    """A deployed version's files as a zip archive."""
    _reader()
    try:
        with engine_context().sessions() as session:
            files = library.deployment_files(session, deployment_id)
    except NotFound:
        abort(404)
    return Response(library.as_zip(files), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=rcjc-version-{deployment_id}.zip"})


@bp.post("/drafts")
@login_required
def create() -> Any:
    """Start a draft from uploaded files or from a deployed version."""
    source = request.form.get("from_deployment", "")
    try:
        draft_id, outcomes = library.create_draft(
            engine_context(), current_actor(), request.form.get("name", ""), _uploads(),
            int(source) if source.isdigit() and len(source) < 10 else None)
    except Forbidden:
        abort(403)
    except (FormInvalid, NotFound) as exc:
        flash(_fields_message(exc), "error")
        return redirect(url_for("ui_library.index"))
    _report(outcomes)
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.get("/drafts/<int:draft_id>")
@login_required
def draft(draft_id: int) -> Any:
    """A draft's files, what stops it from deploying (on the diagram), and what it changes."""
    _reader()
    ctx = engine_context()
    try:
        found, files = library.draft_files(ctx, draft_id)
    except NotFound:
        abort(404)
    problems = library.validate_draft(ctx, draft_id)
    with ctx.sessions() as session:
        processes = library.library(session, current_actor())
    newest = max((v for p in processes for v in p.versions), key=lambda v: v.deployed_at, default=None)
    changes = []
    if newest is not None:
        with ctx.sessions() as session:
            changes = library.diff(library.deployment_files(session, newest.deployment_id), files)
    shown = request.args.get("file") or next((n for n in sorted(files) if n.endswith(".bpmn")), None)
    marks = sorted({p.element_id for p in problems if p.file == shown and p.element_id})
    labels = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
    return render_template("draft.html", draft=found, change_labels=labels, files=sorted(files), problems=problems, shown=shown,
                           marks=marks, changes=changes, newest=newest, owner=library.OWNER in current_actor().groups)


@bp.get("/drafts/<int:draft_id>/files/<path:name>")
@login_required
def draft_file(draft_id: int, name: str) -> Any:
    """One file of a draft, as stored (the viewer loads BPMN from here)."""
    _reader()
    try:
        _, files = library.draft_files(engine_context(), draft_id)
    except NotFound:
        abort(404)
    if name not in files:
        abort(404)
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return Response(files[name], mimetype=mimetype, headers={"Content-Disposition": "inline"})


@bp.post("/drafts/<int:draft_id>/files")
@login_required
def add(draft_id: int) -> Any:
    """Import more files into a draft."""
    try:
        _report(library.add_files(engine_context(), current_actor(), draft_id, _uploads()))
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    except (FormInvalid, Conflict) as exc:
        flash(_fields_message(exc), "error")
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/files/<path:name>/delete")
@login_required
def remove(draft_id: int, name: str) -> Any:
    """Take a file out of a draft."""
    try:
        library.remove_file(engine_context(), current_actor(), draft_id, name)
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    return redirect(url_for("ui_library.draft", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/deploy")
@login_required
def deploy(draft_id: int) -> Any:
    """Deploy the draft as a new version."""
    revision = request.form.get("revision", "")
    try:
        result = library.deploy_draft(engine_context(), current_actor(), draft_id,
                                      int(revision) if revision.isdigit() else None)
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    except ModelInvalid:
        flash(_("The draft cannot be deployed yet: see the problems below."), "error")
        return redirect(url_for("ui_library.draft", draft_id=draft_id))
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("ui_library.draft", draft_id=draft_id))
    versions = "、".join(f"{p} v{v}" for p, v in sorted(result.versions.items()))
    if result.created:
        flash(_("Deployed as a new version: %(versions)s", versions=versions))
    else:
        flash(_("This content is already deployed: %(versions)s", versions=versions))
    return redirect(url_for("ui_library.index"))
