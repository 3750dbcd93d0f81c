"""Finding typed words in text columns: the words taken literally (a typed % or _ is not a wildcard)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute

# How many words of a search are used: more only slow the query.
MAX_WORDS = 5


def contains(text: str, *columns: InstrumentedAttribute[str | None]) -> ColumnElement[bool]:
    """The condition that one of the columns contains `text` as typed."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(column.like(pattern, escape="\\") for column in columns))


def each_word(q: str, *columns: InstrumentedAttribute[str | None]) -> list[ColumnElement[bool]]:
    """One condition per word of `q` (the first MAX_WORDS): each word in one of the columns."""
    return [contains(word, *columns) for word in q.split()[:MAX_WORDS]]
