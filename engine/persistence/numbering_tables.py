"""The register of document numbers (文号): the last number issued of each kind of document in each year."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base


class DocumentCounter(Base):
    """The last number issued of one kind of document in one year; its first number creates the row.

    The row is changed only in the transaction that issues the document, so a rolled-back issue gives its
    number back and the numbers of a kind and year run without gaps.
    """

    __tablename__ = "document_counter"
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
