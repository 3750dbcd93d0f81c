"""The typical case library (典型案例库): search and read the published cases."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from engine.reading.typical_cases import read, search

from ..context import engine_context
from ..guards import MAX_ID
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import PageArgs

bp = ApiBlueprint("typical_cases", __name__, url_prefix="/api/v1", description="典型案例库")


class LibraryArgs(PageArgs):
    q = ma.fields.String(load_default="", validate=validate.Length(max=100), metadata={"description": "words to find"})
    withdrawn = ma.fields.Boolean(load_default=False,
                                  metadata={"description": "include cases taken out (the chair and supervisors)"})


class TypicalCaseSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    guidance = ma.fields.String(required=True, metadata={"description": "典型意义"})
    domain = ma.fields.String(allow_none=True)
    published_at = ma.fields.DateTime(required=True)
    unpublished_at = ma.fields.DateTime(allow_none=True)
    unpublish_reason = ma.fields.String(allow_none=True)


class TypicalCaseListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TypicalCaseSchema), required=True)
    total = ma.fields.Integer(required=True)


def _fields(row: Any) -> dict[str, Any]:
    """The row's values the answer shows, read while its session is open."""
    return {name: getattr(row, name) for name in TypicalCaseSchema().fields}


@bp.get("/typical-cases")
@bp.arguments(LibraryArgs, location="query")
@bp.response(200, TypicalCaseListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def typical_cases(args: dict[str, Any]) -> dict[str, Any]:
    """Published typical cases, newest first, found by words in their title, text or guidance."""
    with engine_context().sessions() as session:
        rows, total = search(session, current_actor(), args["q"], args["withdrawn"], args["page"], args["per_page"])
        return {"items": [_fields(r) for r in rows], "total": total}


@bp.get("/typical-cases/<int:typical_id>")
@bp.response(200, TypicalCaseSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="不存在或已撤回")
def typical_case(typical_id: int) -> Any:
    """One typical case."""
    with engine_context().sessions() as session:
        return _fields(read(session, current_actor(), min(typical_id, MAX_ID)))
