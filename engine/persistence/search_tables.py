"""The words index of cases: every character and two-character sequence of a case's cadre name and matter."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base


class CaseGram(Base):
    """One character or two-character sequence (lower case) that a case's cadre name or matter contains.

    Chinese words are mostly two characters long, so two-character sequences find a name like 张明, and single
    characters a search for a surname; a search reads the cases of its rarest sequence instead of every case
    (engine.persistence.case_words).
    """

    __tablename__ = "case_gram"
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True, index=True)
