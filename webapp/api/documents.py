"""Official documents of a case: list them, download one as PDF or DOCX."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response

from engine.procedure.corrections import MAX_REASON, MAX_TEXT, correct_document
from engine.procedure.documents import FORMATS, open_document
from engine.reading.documents import case_documents

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .attachments import download_response
from .cases import _case_id
from .errors import ErrorSchema

bp = ApiBlueprint("documents", __name__, url_prefix="/api/v1/cases", description="案件文书")


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "kind of document, e.g. ruling_letter"})
    title = ma.fields.String(required=True)
    number = ma.fields.String(required=True, metadata={"description": "document number (文号)"})
    issued_at = ma.fields.AwareDateTime(required=True)
    superseded_by = ma.fields.Integer(allow_none=True, metadata={"description": "the correction replacing it"})


class DocumentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DocumentSchema), required=True)
    total = ma.fields.Integer(required=True)


class FormatSchema(ma.Schema):
    format = ma.fields.String(load_default="pdf", validate=ma.validate.OneOf(sorted(FORMATS)))


class CorrectionSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON),
                              metadata={"description": "why the document is corrected (printed on the correction)"})
    sections = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_TEXT)), validate=ma.validate.Length(max=50),
        load_default=None,
        metadata={"description": "the new text of each part of the body, in order (lines are paragraphs); "
                                 "omitted: the text stays as it was"})


@bp.get("/<int:case_id>/documents")
@bp.response(200, DocumentListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在或无权查看")
def list_documents(case_id: int) -> dict[str, Any]:
    """The official documents the case issued, oldest first."""
    with engine_context().sessions() as session:
        items = case_documents(session, current_actor(), _case_id(case_id))
    return {"items": items, "total": len(items)}


@bp.get("/<int:case_id>/documents/<int:document_id>")
@bp.arguments(FormatSchema, location="query")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="*/*",
             description="the document as PDF or DOCX, as an attachment")
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件或文书不存在或无权查看")
def download(query: dict[str, Any], case_id: int, document_id: int) -> Response:
    """The document's PDF or DOCX; the download is recorded in the case's audit trail with its hash."""
    found = open_document(engine_context(), current_actor(), _case_id(case_id), min(document_id, 2**31 - 1),
                          query["format"])
    return download_response(found)


@bp.post("/<int:case_id>/documents/<int:document_id>/corrections")
@bp.arguments(CorrectionSchema)
@bp.response(201, DocumentSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是签发该文书的部门或监督人员")
@bp.alt_response(404, schema=ErrorSchema, description="案件或文书不存在或无权查看")
@bp.alt_response(409, schema=ErrorSchema, description="该文书已被更正")
def correct(body: dict[str, Any], case_id: int, document_id: int) -> dict[str, Any]:
    """Issue a correction: a new numbered document with the reason, superseding this one (which stays readable)."""
    ctx, actor = engine_context(), current_actor()
    issued = correct_document(ctx, actor, _case_id(case_id), min(document_id, 2**31 - 1), body["reason"],
                              body.get("sections"))
    with ctx.sessions() as session:
        return next(d for d in case_documents(session, actor, case_id) if d["id"] == issued.id)
