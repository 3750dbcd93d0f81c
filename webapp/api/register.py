"""The cadre register (干部容错纠错档案): search it by name, unit, identity number, outcome and period."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import marshmallow as ma
from marshmallow import validate

from engine.reading.filings import filings_for_lookup
from engine.reading.register import CLARIFIED, OUTCOME_LABELS, SCOPE_LABELS, RegisterQuery, search_register

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .filings import FilingSummarySchema
from .schemas import PageArgs, PageSchema

bp = ApiBlueprint("register", __name__, url_prefix="/api/v1", description="干部容错纠错档案")


class RegisterArgs(PageArgs):
    name = ma.fields.String(load_default="", validate=validate.Length(max=100),
                            metadata={"description": "part of the cadre's name"})
    unit = ma.fields.String(load_default="", validate=validate.Length(max=200), metadata={"description": "part of the unit"})
    id_number = ma.fields.String(load_default="", validate=validate.Length(max=18),
                                 metadata={"description": "the identity number, exactly"})
    outcome = ma.fields.String(load_default="", validate=validate.OneOf(["", *OUTCOME_LABELS, CLARIFIED]),
                               metadata={"description": "EXEMPT, MITIGATE, NOT_TOLERATED, or clarified"})
    from_ = ma.fields.Date(data_key="from", load_default=None, metadata={"description": "decided on or after"})
    to = ma.fields.Date(load_default=None, metadata={"description": "decided on or before"})


class CadreRecordSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    case_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "ruling or clarification"})
    cadre_name = ma.fields.String(required=True)
    cadre_unit = ma.fields.String(allow_none=True)
    cadre_position = ma.fields.String(allow_none=True)
    cadre_id_number = ma.fields.String(allow_none=True)
    matter = ma.fields.String(required=True)
    outcome = ma.fields.String(allow_none=True)
    outcome_label = ma.fields.String(required=True)
    previous_outcome = ma.fields.String(allow_none=True, metadata={"description": "before an appeal changed it"})
    decided_on = ma.fields.Date(required=True)
    no_negative = ma.fields.Boolean(required=True, metadata={"description": "不作负面评价"})
    no_negative_scope = ma.fields.List(ma.fields.String(validate=validate.OneOf(list(SCOPE_LABELS))), required=True)
    scope_labels = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "the scope in words"})
    withdrawn_on = ma.fields.Date(allow_none=True)
    in_force = ma.fields.Boolean(required=True, metadata={"description": "the flag holds today"})
    document_numbers = ma.fields.List(ma.fields.String(), required=True)


class RegisterListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(CadreRecordSchema), required=True)
    filings = ma.fields.List(ma.fields.Nested(FilingSummarySchema), required=True, metadata={
        "description": "registered prior filings (事前备案) whose responsible cadre or unit matches name or unit"})


@bp.get("/register")
@bp.arguments(RegisterArgs, location="query")
@bp.response(200, RegisterListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是组织部干部监督或监督人员")
def register(args: dict[str, Any]) -> dict[str, Any]:
    """Records of rulings and clarifications per cadre, newest first, a page at a time; each lookup is recorded per case."""
    ctx = engine_context()
    query = RegisterQuery(args["name"], args["unit"], args["id_number"], args["outcome"], args["from_"], args["to"],
                          args["page"], args["per_page"])
    with ctx.sessions() as session:
        items, total = search_register(ctx, session, current_actor(), query, channel="api")
        filings = filings_for_lookup(ctx, session, current_actor(), query.name, query.unit)
    return {"items": items, "total": total, "page": query.page, "per_page": query.per_page,
            "filings": [asdict(f) for f in filings]}
