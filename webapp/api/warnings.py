"""Warning signs (早发现早提醒): the supervisors' list, and acknowledging a sign with a note."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from engine.access.users import person_labels
from engine.procedure.warning_signs import KINDS
from engine.reading.warnings import MAX_NOTE, acknowledge, list_signs

from ..context import engine_context
from ..guards import MAX_ID
from ..warning_text import sign_item
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import PageArgs, Strict

bp = ApiBlueprint("warnings", __name__, url_prefix="/api/v1", description="预警")


class WarningArgs(PageArgs):
    kind = ma.fields.String(load_default="", validate=validate.OneOf(["", *KINDS]))
    open = ma.fields.Boolean(load_default=True, metadata={"description": "only signs not yet acknowledged"})


class WarningSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    case_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    kind_label = ma.fields.String(required=True)
    text = ma.fields.String(required=True, metadata={"description": "what the sign rests on, in words"})
    raised_at = ma.fields.DateTime(required=True)
    cadre_name = ma.fields.String(allow_none=True)
    unit = ma.fields.String(allow_none=True)
    matter = ma.fields.String(allow_none=True)
    acknowledged_at = ma.fields.DateTime(allow_none=True)
    acknowledged_by = ma.fields.String(allow_none=True, metadata={"description": "the name of who acknowledged it"})
    note = ma.fields.String(allow_none=True)


class WarningListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WarningSchema), required=True)
    total = ma.fields.Integer(required=True)


class AcknowledgeSchema(Strict):
    note = ma.fields.String(required=True, validate=validate.Length(min=1, max=MAX_NOTE),
                            metadata={"description": "how the sign was handled"})


def named(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Signs with who acknowledged them by name, not by login."""
    with engine_context().sessions() as session:
        names = person_labels(session, {i["acknowledged_by"] for i in items if i["acknowledged_by"]})
    return [{**i, "acknowledged_by": names.get(i["acknowledged_by"], i["acknowledged_by"]) if i["acknowledged_by"] else None}
            for i in items]


@bp.get("/warnings")
@bp.arguments(WarningArgs, location="query")
@bp.response(200, WarningListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
def warnings(args: dict[str, Any]) -> dict[str, Any]:
    """Warning signs of every case, newest first (by default only those not yet acknowledged)."""
    with engine_context().sessions() as session:
        signs, total = list_signs(session, current_actor(), args["kind"], args["open"], args["page"], args["per_page"])
    return {"items": named([sign_item(s) for s in signs]), "total": total}


@bp.post("/warnings/<int:warning_id>/acknowledge")
@bp.arguments(AcknowledgeSchema)
@bp.response(200, WarningSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
@bp.alt_response(404, schema=ErrorSchema, description="预警不存在")
@bp.alt_response(409, schema=ErrorSchema, description="该预警已处理")
def acknowledge_warning(body: dict[str, Any], warning_id: int) -> dict[str, Any]:
    """Acknowledge a sign with a note of how it was handled; the case's audit trail records it."""
    sign = acknowledge(engine_context(), current_actor(), min(warning_id, MAX_ID), body["note"])
    return named([sign_item(sign)])[0]
