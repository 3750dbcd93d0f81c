"""Prior filings (事前备案): a unit files a decision in advance; the unit, the reviewers and supervisors list and read."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import marshmallow as ma
from marshmallow import validate

from engine.procedure import services
from engine.procedure.prior_filings import FILING_PROCESS
from engine.reading.filings import STATUSES, FilingQuery, filing_id_of_case, list_filings, read_filing

from ..context import engine_context
from ..guards import MAX_ID
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import PageArgs, Strict, form_data

bp = ApiBlueprint("filings", __name__, url_prefix="/api/v1", description="事前备案")
# The way a unit starts the filing process (its start event's entry).
ENTRY = "filing"


class FilingArgs(PageArgs):
    status = ma.fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "filed, registered, declined, closed"})
    unit = ma.fields.String(load_default="", validate=validate.Length(max=200))
    q = ma.fields.String(load_default="", validate=validate.Length(max=100),
                         metadata={"description": "words of the matter, the filing number or the responsible cadre"})
    overdue = ma.fields.Boolean(load_default=False, metadata={"description": "only filings whose report is overdue"})


class ProgressReportSchema(ma.Schema):
    date = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "on_track, drift or completed"})
    summary = ma.fields.String(required=True)
    late = ma.fields.Boolean(required=True, metadata={"description": "sent after its limit"})


class FilingSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    case_id = ma.fields.Integer(required=True, metadata={"description": "the filing process's instance: steps, files, documents"})
    number = ma.fields.String(allow_none=True, metadata={"description": "备案编号, once registered"})
    unit = ma.fields.String(allow_none=True)
    cadre_name = ma.fields.String(allow_none=True)
    cadre_position = ma.fields.String(allow_none=True)
    matter = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "filed, registered, declined or closed"})
    closure = ma.fields.String(allow_none=True, metadata={"description": "completed, closed_by_reviewer or declined"})
    major = ma.fields.Boolean(required=True)
    risk_level = ma.fields.String(allow_none=True, metadata={"description": "low, medium or high"})
    filed_at = ma.fields.DateTime(required=True)
    registered_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    next_report_due = ma.fields.DateTime(allow_none=True)
    report_overdue = ma.fields.Boolean(required=True)
    reports = ma.fields.Integer(required=True)
    late_reports = ma.fields.Integer(required=True)
    drifts = ma.fields.Integer(required=True)
    standing = ma.fields.String(required=True, metadata={
        "description": "what it proves to a case citing it: filed, filed_with_reports (every report on time), or empty "
                       "before registration"})


class FilingSchema(FilingSummarySchema):
    progress_reports = ma.fields.List(ma.fields.Nested(ProgressReportSchema), required=True)


class FilingListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FilingSchema), required=True)
    total = ma.fields.Integer(required=True)


class NewFilingSchema(Strict):
    data = form_data("validated by the filing form (prior_filing_application)", required=True)


@bp.get("/filings")
@bp.arguments(FilingArgs, location="query")
@bp.response(200, FilingListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="无权查看事前备案")
def filings(args: dict[str, Any]) -> dict[str, Any]:
    """The filings the caller may read (a unit its own), the next report due first."""
    ctx = engine_context()
    query = FilingQuery(args.get("status", ""), args["unit"], args["q"], args["overdue"])
    with ctx.sessions() as session:
        rows, total = list_filings(ctx, session, current_actor(), query, args["page"], args["per_page"])
    return {"items": [asdict(r) for r in rows], "total": total}


@bp.post("/filings")
@bp.arguments(NewFilingSchema)
@bp.response(201, FilingSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="只有单位可以报送事前备案")
def new_filing(body: dict[str, Any]) -> dict[str, Any]:
    """File a decision in advance as the caller's unit; `data` is validated by the filing form."""
    ctx, actor = engine_context(), current_actor()
    result = services.start_case(ctx, actor, FILING_PROCESS, ENTRY, body["data"])
    with ctx.sessions() as session:
        return asdict(read_filing(ctx, session, actor, filing_id_of_case(session, result.case_id)))


@bp.get("/filings/<int:filing_id>")
@bp.response(200, FilingSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="无权查看事前备案")
@bp.alt_response(404, schema=ErrorSchema, description="不存在或属于其他单位")
def filing(filing_id: int) -> dict[str, Any]:
    """One filing with its progress reports."""
    ctx = engine_context()
    with ctx.sessions() as session:
        return asdict(read_filing(ctx, session, current_actor(), min(filing_id, MAX_ID)))
