"""Reading an issued document back as PDF or DOCX, for someone who may read its case; each download audited."""

from __future__ import annotations

import io

from engine.access import disclosure
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.documents.content import discloses_of
from engine.errors import NotFound
from engine.files import stores
from engine.persistence import case_rows
from engine.persistence.case_rows import CaseRow
from engine.persistence.models import Document
from engine.persistence.uow import UnitOfWork
from engine.procedure.attachment_rows import Download
from engine.procedure.attachments import readable_case
from engine.procedure.rendering import render_document
from engine.procedure.services import record_event

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _document(uow: UnitOfWork, actor: Actor, case_id: int, document_id: int, fmt: str) -> tuple[CaseRow, Document]:
    case = readable_case(uow, actor, case_id)
    row = readable_document(uow, actor, case_id, document_id)
    if fmt not in FORMATS:
        raise NotFound("文书不存在")
    return case, row


def readable_document(uow: UnitOfWork, actor: Actor, case_id: int, document_id: int) -> Document:
    """A document of the case that the actor may read: one disclosing confidential data only to its readers.

    Raises: NotFound.
    """
    row = uow.session.get(Document, document_id)
    if row is None or row.case_id != case_id or not disclosure.may_read_kinds(actor, discloses_of(row.content)):
        raise NotFound("文书不存在")
    return row


def open_document(ctx: EngineContext, actor: Actor, case_id: int, document_id: int, fmt: str) -> Download:
    """A document of a case as PDF or DOCX for someone who may read the case; the download is audited.

    Raises: NotFound (case or document not visible, or its content missing).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        rendered = _document(uow, actor, case_id, document_id, fmt)[1].rendered_at is not None
    if not rendered:
        # Issued but not rendered yet (the worker renders after each sweep): render it now, outside the case's lock.
        render_document(ctx, document_id)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case, row = _document(uow, actor, case_id, document_id, fmt)
        key = row.pdf_sha256 if fmt == "pdf" else row.docx_sha256
        if key is None:
            raise NotFound("文书的文件尚未生成")
        record_event(uow, case, "document_downloaded", actor, details={
            "document": row.id, "number": row.number, "format": fmt, "sha256": key})
        case_rows.write_audit_head(uow.session, case)
        content = stores.store(ctx, row.store).open(uow.session, key).read()
        kinds = discloses_of(row.content)
        uow.commit()
    # Reading confidential data is recorded (查阅留痕), as for the case page.
    disclosure.record_read(ctx, actor, case_id, kinds, "document")
    name = f"{row.title}（{row.number}）.{fmt}"
    return Download(row.id, name, FORMATS[fmt], len(content), key, io.BytesIO(content))
