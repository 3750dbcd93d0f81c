"""The tables of evidence attachments: one row per version of a file, and the bytes when the database keeps them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base, UTCDateTime


class Attachment(Base):
    """A file attached to a case (or one of its steps); never changed: a replacement is a new row."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    # The version this one replaces; unique, so that a version has at most one successor.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), unique=True)
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Which store holds the bytes (engine.files.stores): files stay readable when the configured store changes.
    store: Mapped[str] = mapped_column(String(20))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))


class AttachmentBlob(Base):
    """The bytes of a file, addressed by their SHA-256, where the database is the store every node shares."""

    __tablename__ = "attachment_blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
