"""Cases: list with filters, start, read with history and diagram marks, audit trail, diagram XML."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from engine.access import disclosure
from engine.access.policy import Actor
from engine.errors import FormInvalid, NotFound
from engine.persistence import audit
from engine.procedure import services
from engine.reading import catalog, queries
from engine.reading.case_list import CaseFilter, list_cases

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import AccessLogSchema, AuditListSchema, CaseFilterArgs, CaseListSchema, CaseSchema, StartCaseSchema

bp = ApiBlueprint("cases", __name__, url_prefix="/api/v1/cases", description="案件")

MAX_CASE_ID = 2**31 - 1


def _case_id(case_id: int) -> int:
    # Ids beyond the column's range cannot exist; answering 404 keeps PostgreSQL from raising on them.
    if case_id > MAX_CASE_ID:
        raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
    return case_id


def case_payload(actor: Actor, case_id: int) -> dict[str, Any]:
    """The case as the actor may see it."""
    ctx = engine_context()
    with ctx.sessions() as session:
        return queries.case_view(ctx, session, actor, _case_id(case_id))


def _entry_for(actor: Actor, process_id: str, entry: str | None) -> str:
    """The entry to start through: the one asked for, or the only one the actor may use."""
    if entry:
        return entry
    ctx = engine_context()
    with ctx.sessions() as session:
        processes = {p["process_id"]: p for p in catalog.deployed_processes(ctx, session, actor)}
    found = processes.get(process_id)
    if found is None:
        raise NotFound("流程 %(process_id)s 尚未部署", process_id=process_id)
    usable = [e["key"] for e in found["entries"] if e["may_start"]]
    if len(usable) == 1:
        return str(usable[0])
    if usable:
        raise FormInvalid({"entry": [f"请指明发起方式：{'、'.join(usable)}"]})
    # None is the caller's: name one so that the service refuses with its own message (Forbidden).
    return str(found["entries"][0]["key"]) if found["entries"] else ""


@bp.route("")
class Cases(MethodView):
    """The cases the caller may see; starting a case."""

    @bp.arguments(CaseFilterArgs, location="query")
    @bp.response(200, CaseListSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="未登录")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Cases the caller may see, newest first, filtered."""
        ctx = engine_context()
        page, per_page = args.pop("page"), args.pop("per_page")
        with ctx.sessions() as session:
            items, total = list_cases(ctx, session, current_actor(), CaseFilter(**args), ctx.clock.now(), page, per_page)
        return {"items": items, "total": total, "page": page, "per_page": per_page}

    @bp.arguments(StartCaseSchema)
    @bp.response(201, CaseSchema)
    @bp.alt_response(401, schema=ErrorSchema, description="未登录")
    @bp.alt_response(403, schema=ErrorSchema, description="无权以该方式发起")
    @bp.alt_response(404, schema=ErrorSchema, description="流程或发起方式不存在")
    @bp.alt_response(422, schema=ErrorSchema, description="流程执行失败")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Start a case; `data` is validated by the entry's start form."""
        actor = current_actor()
        entry = _entry_for(actor, body["process_id"], body.get("entry"))
        result = services.start_case(engine_context(), actor, body["process_id"], entry, body["data"])
        return case_payload(actor, result.case_id)


@bp.get("/<int:case_id>")
@bp.response(200, CaseSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在或无权查看")
def get_case(case_id: int) -> dict[str, Any]:
    """Status, version, data, open tasks, completed steps and diagram marks of a case."""
    return case_payload(current_actor(), case_id)


class AuditArgs(ma.Schema):
    after_seq = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=MAX_CASE_ID), metadata={
        "description": "only events after this seq: the next_after_seq of the page before (0: from the first event)"})
    limit = ma.fields.Integer(load_default=queries.AUDIT_PAGE, validate=ma.validate.Range(min=1, max=queries.AUDIT_MAX_PAGE),
                              metadata={"description": "events per page"})


@bp.get("/<int:case_id>/audit")
@bp.arguments(AuditArgs, location="query")
@bp.response(200, AuditListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在或无权查看")
def get_audit(args: dict[str, Any], case_id: int) -> dict[str, Any]:
    """The case's audit events with their hashes, oldest first a page at a time, and whether the chain verifies."""
    ctx = engine_context()
    with ctx.sessions() as session:
        found = queries.audit_events(ctx, session, current_actor(), _case_id(case_id), args["after_seq"], args["limit"])
        reports = audit.verify(session, case_id)
        return {"items": found.items, "total": found.total, "next_after_seq": found.next_after_seq,
                "chain_ok": all(r.ok for r in reports)}


@bp.get("/<int:case_id>/access-log")
@bp.response(200, AccessLogSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在")
def get_access_log(case_id: int) -> dict[str, Any]:
    """Who read the case's confidential data (deliberation, informants), when and where (supervisors)."""
    ctx = engine_context()
    actor = current_actor()
    with ctx.sessions() as session:
        queries.visible_case(session, actor, _case_id(case_id))
        return {"items": disclosure.access_log(session, actor, case_id)}


class DiagramArgs(ma.Schema):
    process = ma.fields.String(validate=ma.validate.Length(min=1, max=100),
                               metadata={"description": "a called process of the same version (default: the case's own)"})


@bp.get("/<int:case_id>/diagram")
@bp.arguments(DiagramArgs, location="query")
@bp.response(200, {"type": "string"}, content_type="application/xml", description="BPMN 2.0 XML")
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在或无权查看")
def get_diagram(args: dict[str, Any], case_id: int) -> Response:
    """The BPMN XML of the version the case runs on."""
    ctx = engine_context()
    with ctx.sessions() as session:
        xml = catalog.case_diagram(ctx, session, current_actor(), _case_id(case_id), args.get("process"))
    return Response(xml, mimetype="application/xml")
