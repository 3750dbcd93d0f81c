"""Evidence attachments of a case: list, upload (a new file or a new version of one) and download."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

import marshmallow as ma
from flask import Request, Response, request
from flask_smorest.fields import Upload as UploadField
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict, FileStorage
from werkzeug.wsgi import wrap_file

from engine.procedure import attachments
from engine.procedure.attachment_rows import Download, Upload, max_bytes
from engine.reading.attachments import case_attachments

from ..context import engine_context
from .access import ApiBlueprint, Parser, current_actor
from .cases import _case_id
from .errors import ErrorSchema


class FormAndFilesParser(Parser):
    """Reads a multipart body's files and its other fields as one location, so one schema documents the whole body."""

    def load_files(self, req: Request, schema: ma.Schema) -> Any:
        """The body's files and form fields together."""
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


bp = ApiBlueprint("attachments", __name__, url_prefix="/api/v1/cases", description="案件附件")
bp.ARGUMENTS_PARSER = FormAndFilesParser()

# What a multipart body carries beside the file itself: boundaries, headers, the note and the replaced id.
MULTIPART_SLACK = 1024 * 1024
CHUNK = 256 * 1024


def room_for_uploads() -> None:
    """A multipart body may be as large as the configured limit per file (the app's own limit is for models)."""
    if request.mimetype == "multipart/form-data":
        request.max_content_length = max_bytes(engine_context()) + MULTIPART_SLACK


def read_upload(storage: FileStorage) -> bytes:
    """The uploaded bytes, at most the limit plus one (enough to tell that a file is too large)."""
    return storage.stream.read(max_bytes(engine_context()) + 1)


def ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for clients that do not read filename*."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(ch for ch in plain if ch.isprintable() and ch not in '"\\;').strip()
    suffix = name.rsplit(".", 1)[-1] if "." in name and name.rsplit(".", 1)[-1].isascii() else ""
    return plain if plain and plain != f".{suffix}" else f"attachment.{suffix}" if suffix else "attachment"


def download_response(found: Download) -> Response:
    """The file as an attachment, never shown inline and never sniffed, with its name in RFC 5987 form."""
    response = Response(wrap_file(request.environ, found.content, CHUNK), mimetype=found.media_type,
                        direct_passthrough=True)
    response.content_length = found.size
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name(found.file_name)}\"; filename*=UTF-8''{quote(found.file_name, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{found.sha256}"'
    return response


bp.before_request(room_for_uploads)


class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    file_name = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True, metadata={"description": "bytes"})
    content_type = ma.fields.String(required=True, metadata={"description": "media type, told by the content"})
    sha256 = ma.fields.String(required=True)
    uploaded_by = ma.fields.String(required=True, metadata={"description": "the uploader's name and unit"})
    uploaded_at = ma.fields.AwareDateTime(required=True)
    replaces = ma.fields.Integer(allow_none=True, metadata={"description": "the version this one replaces"})
    replaced_by = ma.fields.Integer(allow_none=True, metadata={"description": "the version that replaced this one"})
    note = ma.fields.String(allow_none=True)
    bpmn_id = ma.fields.String(allow_none=True, metadata={"description": "the step it was attached to"})


class AttachmentListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AttachmentSchema), required=True)
    total = ma.fields.Integer(required=True)


class AttachmentUploadSchema(ma.Schema):
    file = UploadField(required=True, metadata={"description": "PDF, image, DOCX, XLSX, WPS, ET, OFD or ZIP"})
    note = ma.fields.String(validate=ma.validate.Length(max=500))
    replaces = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                 metadata={"description": "id of the attachment this file is a new version of"})
    task_id = ma.fields.UUID(metadata={"description": "an open task of the case the file belongs to"})


@bp.get("/<int:case_id>/attachments")
@bp.response(200, AttachmentListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在或无权查看")
def list_attachments(case_id: int) -> dict[str, Any]:
    """Every version of every file attached to the case, newest first."""
    ctx = engine_context()
    with ctx.sessions() as session:
        items = case_attachments(session, current_actor(), _case_id(case_id))
    return {"items": items, "total": len(items)}


@bp.post("/<int:case_id>/attachments")
@bp.arguments(AttachmentUploadSchema, location="files")
@bp.response(201, AttachmentSchema)
@bp.alt_response(400, schema=ErrorSchema, description="文件为空、文件名含路径或文件类型不允许")
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是本案的办理人员")
@bp.alt_response(404, schema=ErrorSchema, description="案件或被替换的附件不存在")
@bp.alt_response(409, schema=ErrorSchema, description="被替换的附件已有新版本")
@bp.alt_response(413, schema=ErrorSchema, description="文件超过大小上限")
def upload(form: dict[str, Any], case_id: int) -> dict[str, Any]:
    """Attach a file (multipart field `file`); with `replaces`, as a new version of an earlier one."""
    ctx = engine_context()
    actor = current_actor()
    storage: FileStorage = form["file"]
    task_id = str(form["task_id"]) if form.get("task_id") else None
    found = Upload(storage.filename or "", read_upload(storage), form.get("note"), form.get("replaces"), task_id)
    added = attachments.add_attachment(ctx, actor, _case_id(case_id), found)
    with ctx.sessions() as session:
        return next(a for a in case_attachments(session, actor, case_id) if a["id"] == added)


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="*/*",
             description="the file, as an attachment, with the media type its content proved")
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件或附件不存在或无权查看")
def download(case_id: int, attachment_id: int) -> Response:
    """The file's content; the download is recorded in the case's audit trail with the file's hash."""
    found = attachments.open_attachment(engine_context(), current_actor(), _case_id(case_id),
                                        min(attachment_id, 2**31 - 1))
    return download_response(found)
