"""The table of official documents a case issued: one row per document, never changed once written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class Document(Base):
    """An issued document (its PDF and DOCX in the blob store); a correction is a new row superseding this one."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_case", "case_id", "id"), Index("ix_document_unrendered", "rendered_at", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(String(80))
    task_id: Mapped[str | None] = mapped_column(String(36))
    # The group whose step issued it (its lane, or the start's first group): they, or supervisors, may correct it.
    issuer_group: Mapped[str] = mapped_column(String(80))
    # What the document says, as canonical JSON (engine.documents.content), and its hash: fixed when issued.
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # The PDF and DOCX rendered from the content, kept once rendered (outside the issuing step's transaction).
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which store holds the bytes (engine.files.stores).
    store: Mapped[str] = mapped_column(String(20))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    # Why a correction was issued (None for a first issue).
    reason: Mapped[str | None] = mapped_column(String(500))
