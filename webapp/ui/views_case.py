"""Cases: the list, one case with its diagram, timeline and audit trail, and starting a case."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext

from engine.access import disclosure
from engine.access.policy import SUPERVISOR
from engine.errors import EngineError, FormInvalid
from engine.groups import GROUP_LABELS
from engine.persistence import audit
from engine.persistence.lifecycle import CaseStatus
from engine.procedure import repair, services
from engine.procedure.attachment_rows import Upload
from engine.reading import catalog, diagrams, queries
from engine.reading.case_list import CaseFilter, list_cases

from .. import engine_messages
from ..api.attachments import read_upload
from ..context import engine_context
from ..guards import form_number
from . import formrender
from .blueprint import UiBlueprint
from .decisions import decision_lines, outcome_label
from .labels import CLOSURE_LABELS, EVENT_LABELS
from .session import current_actor, login_required
from .views_filings import cited_filing_panel
from .views_task import room_for_step_files
from .views_warnings import signs_of_case

bp = UiBlueprint("ui_case", __name__)
bp.before_request(room_for_step_files)

PER_PAGE = 25
READ_CHANNELS = {"case": lazy_gettext("case page"), "task": lazy_gettext("task page"), "audit": lazy_gettext("audit trail")}
STATUSES = tuple(status.value for status in CaseStatus)


def case_filter() -> CaseFilter:
    """The case list's filter from the page's parameters (anything unknown is ignored)."""
    args = request.args
    return CaseFilter(
        status=args.get("status") if args.get("status") in STATUSES else None,
        group=args.get("group") if args.get("group") in GROUP_LABELS else None,
        overdue=True if args.get("overdue") == "1" else None,
        stuck=True if args.get("stuck") == "1" else None,
        q=(args.get("q") or "").strip()[:100] or None,
    )


@bp.get("/cases")
@login_required
def cases() -> ResponseReturnValue:
    """The cases I may see, filtered like the API's list."""
    ctx = engine_context()
    flt = case_filter()
    page = max(1, min(form_number(request.args.get("page")) or 1, 100_000))
    with ctx.sessions() as session:
        items, total = list_cases(ctx, session, current_actor(), flt, ctx.clock.now(), page, PER_PAGE)
    return render_template("cases.html", items=items, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
                           flt=flt, statuses=STATUSES, groups=GROUP_LABELS)


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> ResponseReturnValue:
    """Status, diagram, open tasks, who holds the case, timeline and audit trail."""
    ctx = engine_context()
    actor = current_actor()
    with ctx.sessions() as session:
        view, events = queries.case_page(ctx, session, actor, case_id)
        chain_ok = all(r.ok for r in audit.verify(session, case_id))
        reads = disclosure.access_log(session, actor, case_id) if SUPERVISOR in actor.groups else None
    failed = repair.failed_step(ctx, actor, case_id) if SUPERVISOR in actor.groups else None
    retry_html = formrender.render_form(failed.form, failed.kept, {}, id_prefix="retry") if failed else None
    return render_template("case.html", case=view, events=events, chain_ok=chain_ok, holders=view["open_tasks"],
                           now=ctx.clock.now(), groups=GROUP_LABELS, supervisor=SUPERVISOR in actor.groups,
                           retry_html=retry_html, reads=reads, channel_labels=READ_CHANNELS,
                           decisions=decision_lines(view["data"]), outcome_label=outcome_label,
                           event_labels=EVENT_LABELS, closure_labels=CLOSURE_LABELS, signs=signs_of_case(case_id),
                           cited=cited_filing_panel(case_id))


@bp.get("/cases/<int:case_id>/diagram.bpmn")
@login_required
def diagram(case_id: int) -> ResponseReturnValue:
    """The BPMN XML of the version the case runs on, for the viewer."""
    ctx = engine_context()
    process = request.args.get("process") or None
    with ctx.sessions() as session:
        xml = catalog.case_diagram(ctx, session, current_actor(), case_id, process)
    return Response(xml, mimetype="application/xml")


@bp.get("/cases/<int:case_id>/diagram.json")
@login_required
def diagram_marks(case_id: int) -> ResponseReturnValue:
    """One process of the case's own version (its top process, or `process` it calls) with this case's steps marked."""
    ctx = engine_context()
    process = (request.args.get("process") or "").strip()[:200] or None
    with ctx.sessions() as session:
        found = diagrams.case_process_diagram(ctx, session, current_actor(), case_id, process)
    return jsonify(found)


@bp.app_context_processor
def lane_names() -> dict[str, Any]:
    """The groups' names, shown on the lanes of every diagram in place of the keys the BPMN names them by."""
    return {"lane_names": GROUP_LABELS}


@bp.route("/start/<process_id>/<entry>", methods=["GET", "POST"])
@login_required
def start(process_id: str, entry: str) -> ResponseReturnValue:
    """Start a case through one of its entries (the application, the pre-procedure check, clarification)."""
    process, offered = _startable(process_id, entry)
    if request.method == "GET":
        return _start_page(process, offered, {}, {}, 200)
    values = formrender.parse_submission(offered["form"], request.form)
    uploads = {key: [Upload(f.filename or "", read_upload(f)) for f in request.files.getlist(key) if f.filename]
               for key in formrender.file_keys(offered["form"])}
    try:
        result = services.start_case(engine_context(), current_actor(), process_id, entry, values, uploads)
    except FormInvalid as exc:
        # Nothing was kept, files included (there is no case yet to keep them in): the pickers say so.
        lost = {k: [_("The files were not kept; please choose them again.")] for k, v in uploads.items() if v}
        return _start_page(process, offered, values, {**lost, **engine_messages.field_texts(exc.fields)}, 400)
    except EngineError as exc:
        flash(engine_messages.message_of(exc), "error")
        return _start_page(process, offered, values, {}, 409)
    flash(_("The case was started."))
    return redirect(url_for("ui_case.case", case_id=result.case_id))


def _startable(process_id: str, entry: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The deployed process and the entry of it the user may start a case through; 404 when there is none."""
    ctx = engine_context()
    with ctx.sessions() as session:
        found = {p["process_id"]: p for p in catalog.deployed_processes(ctx, session, current_actor())}.get(process_id)
    usable = [e for e in (found or {}).get("entries", []) if e["key"] == entry and e["may_start"]]
    if found is None or not usable:
        abort(404)
    return found, usable[0]


def _start_page(process: dict[str, Any], offered: dict[str, Any], values: dict[str, Any],
                errors: dict[str, list[str]], status: int) -> ResponseReturnValue:
    """The start form; `values` and `errors` come from a refused submission."""
    return render_template("start.html", process=process, entry=offered,
                           summary=formrender.error_summary(offered["form"], errors),
                           form_html=formrender.render_form(offered["form"], values, errors)), status


@bp.get("/start")
@login_required
def start_menu() -> ResponseReturnValue:
    """The ways the signed-in user may start a case."""
    ctx = engine_context()
    with ctx.sessions() as session:
        processes = catalog.deployed_processes(ctx, session, current_actor())
    offers = [(p, e, *entry_words(e["form"])) for p in processes for e in p["entries"] if e["may_start"]]
    return render_template("start_menu.html", offers=offers)


def entry_words(form: dict[str, Any]) -> tuple[str, str]:
    """How a start form names itself and what it is for: its title, or the heading and first line of its opening
    text (so that an application and a pre-check of the same process read apart)."""
    texts = [c.get("text", "") for c in form.get("components", []) if c.get("type") == "text" and c.get("text")]
    lines = [line.strip() for line in (texts[0] if texts else "").splitlines() if line.strip()]
    heading = form.get("title") or (lines[0].lstrip("#").strip() if lines else "")
    return str(heading), lines[1] if len(lines) > 1 and not lines[1].startswith("#") else ""


REPAIRS = ("retry", "skip", "suspend", "resume", "terminate", "migrate")


@bp.post("/cases/<int:case_id>/repair")
@login_required
def repair_case(case_id: int) -> ResponseReturnValue:
    """A supervisor's repair of one case, from its page."""
    try:
        _repair(case_id, request.form.get("action", ""), request.form.get("reason", "")[:500])
        flash(_("Done."))
    except EngineError as exc:
        flash(engine_messages.summary_of(exc), "error")
    return redirect(url_for("ui_case.case", case_id=case_id))


def _repair(case_id: int, action: str, reason: str) -> None:
    """Apply one of REPAIRS to the case; any other action is a bad request (400)."""
    ctx = engine_context()
    actor = current_actor()
    if action == "retry":
        failed = repair.failed_step(ctx, actor, case_id)
        data = formrender.parse_submission(failed.form, request.form) if failed else None
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
