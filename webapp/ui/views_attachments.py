"""The attachments panel of the case page: the files of a case, adding one (or a new version), downloading one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _

from engine.errors import Conflict, Forbidden, FormInvalid
from engine.files import sniff
from engine.procedure import attachments
from engine.procedure.attachment_rows import Upload, max_bytes
from engine.reading.attachments import case_attachments, may_add

from .. import engine_messages
from ..api.attachments import download_response, read_upload, room_for_uploads
from ..context import engine_context
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_attachments", __name__)
bp.before_request(room_for_uploads)

# Kinds as readers know them; the media type itself is what the content proved.
KIND_LABELS = {
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP",
    "image/tiff": "TIFF", sniff.DOCX: "DOCX", sniff.XLSX: "XLSX", "application/kswps": "WPS", "application/kset": "ET",
    "application/msword": "DOC", "application/vnd.ms-excel": "XLS", sniff.OLE_DEFAULT: "OLE", sniff.OFD: "OFD",
    sniff.ZIP: "ZIP",
}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.tif,.tiff,.docx,.xlsx,.wps,.et,.doc,.xls,.ofd,.zip"


def filesize(size: int) -> str:
    """A size in KB or MB, as people read it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, 0.1):.1f} KB"


def longtime(value: datetime | None) -> str:
    """A moment as its local date written out and the time: 2026年4月20日 09:30."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(engine_context().config.timezone))
    return f"{format_date(local.date(), format='long')} {local:%H:%M}"


def attachment_panel(case_id: int) -> dict[str, Any]:
    """What the case page's attachments panel shows the signed-in user."""
    ctx = engine_context()
    actor = current_actor()
    with ctx.sessions() as session:
        items = case_attachments(session, actor, case_id)
        uploader = may_add(session, actor, case_id)
    return {"items": items, "may_upload": uploader, "max_size": filesize(max_bytes(ctx)),
            "accept": ACCEPT, "kinds": KIND_LABELS}


@bp.app_context_processor
def panel_context() -> dict[str, Any]:
    """The panel's loader and filters for the case page (called only where the panel is included)."""
    return {"attachment_panel": attachment_panel, "filesize": filesize, "longtime": longtime}


@bp.post("/cases/<int:case_id>/attachments")
@login_required
def upload(case_id: int) -> ResponseReturnValue:
    """Attach a file from the case page; a refusal is shown on the page with its reason."""
    storage = request.files.get("file")
    try:
        if storage is None or not storage.filename:
            raise FormInvalid({"file": [_("Please choose a file to upload.")]})
        replaces = request.form.get("replaces", "")
        found = Upload(storage.filename, read_upload(storage), request.form.get("note", "")[:500],
                       int(replaces) if replaces.isdecimal() and len(replaces) < 10 else None)
        attachments.add_attachment(engine_context(), current_actor(), case_id, found)
        flash(_("The file was attached."))
    except (FormInvalid, Forbidden, Conflict) as exc:
        flash(engine_messages.summary_of(exc), "error")
    return redirect(url_for("ui_case.case", case_id=case_id, _anchor="attachments"))


@bp.get("/cases/<int:case_id>/attachments/<int:attachment_id>")
@login_required
def download(case_id: int, attachment_id: int) -> ResponseReturnValue:
    """The file, as an attachment; recorded in the case's audit trail."""
    return download_response(attachments.open_attachment(engine_context(), current_actor(), case_id, attachment_id))
