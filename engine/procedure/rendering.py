"""Rendering issued documents as PDF and DOCX, outside the step that issued them.

The content was fixed when the document was issued; rendering it takes a tenth of a second or more, which must not
hold the case's lock (on SQLite, the whole database's write lock). So the files are rendered without a transaction
and then kept in a short one that writes their hashes only if no one rendered them meanwhile. The worker renders
what is pending after each sweep; a download renders a document not yet rendered first.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.documents.content import DocumentContent
from engine.documents.docx_html import docx_html
from engine.documents.docx_render import render_docx
from engine.documents.pdf_render import pdf_from_html, render_pdf
from engine.documents.templated import TemplatedContent, fill
from engine.files import stores
from engine.persistence import case_rows
from engine.persistence.models import Document
from engine.persistence.uow import UnitOfWork
from engine.procedure.services import record_event

log = logging.getLogger(__name__)


def render_document(ctx: EngineContext, document_id: int) -> bool:
    """Render one issued document and keep its files; False when it was rendered already (or does not exist)."""
    with ctx.sessions() as session:
        row = session.get(Document, document_id)
        if row is None or row.rendered_at is not None:
            return False
        content = row.content
        store_kind = row.store
        template = TemplatedContent.from_json(content)
        source = stores.store(ctx, store_kind).open(session, template.template_sha256).read() if template else b""
    if template is not None:
        docx = fill(source, template)
        pdf = pdf_from_html(docx_html(docx))
    else:
        built = DocumentContent.from_json(content)
        pdf, docx = render_pdf(built), render_docx(built)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = case_rows.lock(uow.session, row.case_id)
        again = uow.session.get(Document, document_id)
        if case is None or again is None or again.rendered_at is not None:
            return False
        blobs = stores.store(ctx, again.store)
        again.pdf_sha256, again.docx_sha256 = blobs.put(uow.session, pdf), blobs.put(uow.session, docx)
        again.rendered_at = uow.now
        record_event(uow, case, "document_rendered", SYSTEM, details={
            "document": again.id, "number": again.number, "pdf_sha256": again.pdf_sha256,
            "docx_sha256": again.docx_sha256})
        case_rows.write_audit_head(uow.session, case)
        uow.commit()
    return True


def render_pending(ctx: EngineContext, limit: int = 20) -> int:
    """Render up to `limit` documents issued but not yet rendered, oldest first; how many were rendered."""
    with ctx.sessions() as session:
        pending = list(session.scalars(
            select(Document.id).where(Document.rendered_at.is_(None)).order_by(Document.id).limit(limit)))
    rendered = 0
    for document_id in pending:
        try:
            rendered += render_document(ctx, document_id)
        except Exception:  # a document that cannot be rendered (a broken font, say) must not stop the worker
            log.exception("document %s could not be rendered", document_id)
    return rendered
