"""Cases: the list, one case with its diagram, timeline and audit trail, and starting a case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.access import disclosure
from engine.access.policy import SUPERVISOR
from engine.errors import EngineError, FormInvalid, NotFound
from engine.groups import GROUP_LABELS
from engine.persistence import audit
from engine.persistence.models import Case, TaskIndex
from engine.procedure import repair, services
from engine.reading import catalog, queries
from engine.reading.case_list import CaseFilter, list_cases

from ..guards import form_number
from . import formrender
from .session import current_actor, engine_context, login_required

bp = Blueprint("ui_case", __name__)

PER_PAGE = 25
READ_CHANNELS = {"case": lazy_gettext("case page"), "task": lazy_gettext("task page"), "audit": lazy_gettext("audit trail")}
STATUSES = ("running", "completed", "error", "suspended", "terminated")


@bp.get("/cases")
@login_required
def cases() -> Any:
    """The cases I may see, filtered like the API's list."""
    ctx = engine_context()
    args = request.args
    flt = CaseFilter(
        status=args.get("status") if args.get("status") in STATUSES else None,
        group=args.get("group") if args.get("group") in GROUP_LABELS else None,
        overdue=True if args.get("overdue") == "1" else None,
        stuck=True if args.get("stuck") == "1" else None,
        q=(args.get("q") or "").strip()[:100] or None,
    )
    page = max(1, min(form_number(args.get("page")) or 1, 100_000))
    with ctx.sessions() as session:
        items, total = list_cases(ctx, session, current_actor(), flt, ctx.clock.now(), page, PER_PAGE)
    return render_template("cases.html", items=items, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
                           flt=flt, statuses=STATUSES, groups=GROUP_LABELS)


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> Any:
    """Status, diagram, open tasks, who holds the case, timeline and audit trail."""
    ctx = engine_context()
    actor = current_actor()
    try:
        with ctx.sessions() as session:
            view, events = queries.case_page(ctx, session, actor, case_id)
            chain_ok = all(r.ok for r in audit.verify(session, case_id))
            reads = disclosure.access_log(session, actor, case_id) if SUPERVISOR in actor.groups else None
    except NotFound:
        abort(404)
    retry_html = None
    if SUPERVISOR in actor.groups:
        definition, kept = _failed_form(case_id)
        if definition is not None:
            retry_html = formrender.render_form(definition, kept, {}, id_prefix="retry")
    return render_template("case.html", case=view, events=events, chain_ok=chain_ok, holders=view["open_tasks"],
                           now=ctx.clock.now(), groups=GROUP_LABELS, supervisor=SUPERVISOR in actor.groups,
                           retry_html=retry_html, reads=reads, channel_labels=READ_CHANNELS)


@bp.get("/cases/<int:case_id>/diagram.bpmn")
@login_required
def diagram(case_id: int) -> Any:
    """The BPMN XML of the version the case runs on, for the viewer."""
    ctx = engine_context()
    process = request.args.get("process") or None
    try:
        with ctx.sessions() as session:
            xml = catalog.case_diagram(ctx, session, current_actor(), case_id, process)
    except NotFound:
        abort(404)
    return Response(xml, mimetype="application/xml")


@bp.route("/start/<process_id>/<entry>", methods=["GET", "POST"])
@login_required
def start(process_id: str, entry: str) -> Any:
    """Start a case through one of its entries (the application, the pre-procedure check, clarification)."""
    ctx = engine_context()
    actor = current_actor()
    with ctx.sessions() as session:
        found = {p["process_id"]: p for p in catalog.deployed_processes(ctx, session, actor)}.get(process_id)
    usable = [e for e in (found or {}).get("entries", []) if e["key"] == entry and e["may_start"]]
    if not usable:
        abort(404)
    definition = usable[0]["form"]
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = formrender.parse_submission(definition, request.form)
        try:
            result = services.start_case(ctx, actor, process_id, entry, values)
        except FormInvalid as exc:
            errors, status = exc.fields, 400
        except EngineError as exc:
            flash(exc.message, "error")
            status = 409
        else:
            flash(_("The case was started."))
            return redirect(url_for("ui_case.case", case_id=result.case_id))
    return render_template("start.html", process=found, entry=usable[0],
                           form_html=formrender.render_form(definition, values, errors)), status


@bp.get("/start")
@login_required
def start_menu() -> Any:
    """The ways the signed-in user may start a case."""
    ctx = engine_context()
    with ctx.sessions() as session:
        processes = catalog.deployed_processes(ctx, session, current_actor())
    offers = [(p, e) for p in processes for e in p["entries"] if e["may_start"]]
    return render_template("start_menu.html", offers=offers)


REPAIRS = ("retry", "skip", "suspend", "resume", "terminate", "migrate")


def _failed_form(case_id: int) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The form of the step a case failed on, and the input kept with the error (for the retry panel)."""
    ctx = engine_context()
    with ctx.sessions() as session:
        case = session.get(Case, case_id)
        if case is None or case.status != "error" or not case.error or not case.error.get("task_id"):
            return None, {}
        row = session.get(TaskIndex, case.error["task_id"])
        if row is None:
            return None, {}
        bundle = ctx.bundle_of_version(session, case.process_version_id)
        return dict(bundle.form(row.form_key).source), dict(case.error.get("data") or {})


@bp.post("/cases/<int:case_id>/repair")
@login_required
def repair_case(case_id: int) -> Any:
    """A supervisor's repair of one case, from its page."""
    ctx = engine_context()
    actor = current_actor()
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")[:500]
    try:
        if action == "retry":
            definition, _kept = _failed_form(case_id)  # `_` is the translation function here
            data = formrender.parse_submission(definition, request.form) if definition else None
            repair.retry(ctx, actor, case_id, data)
        elif action == "skip":
            repair.skip(ctx, actor, case_id, request.form.get("task_id", "")[:36], reason)
        elif action == "suspend":
            repair.suspend(ctx, actor, case_id, reason)
        elif action == "resume":
            repair.resume(ctx, actor, case_id, reason)
        elif action == "terminate":
            repair.terminate(ctx, actor, case_id, reason)
        elif action == "migrate":
            repair.migrate(ctx, actor, case_id)
        else:
            abort(400)
        flash(_("Done."))
    except EngineError as exc:
        flash(exc.summary, "error")
    return redirect(url_for("ui_case.case", case_id=case_id))
