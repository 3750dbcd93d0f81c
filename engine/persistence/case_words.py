"""Finding cases by the words of their cadre name and matter through the words index (case_gram).

A words search used to test every case with LIKE: fine for a district, a scan of the whole table at a
province's scale. The index holds each case's characters and two-character sequences. A search takes the sequence
of its words that the fewest cases contain (each counted only up to PROBE, so that a sequence in every case costs
little to rule out), or for a single character that character, and tests only those cases with LIKE, which keeps
the result exactly what LIKE finds. A search whose every sequence is common narrows nothing and still tests every
case.

A search of one or two Chinese characters or digits is one entry of the index, which holds exactly the cases
containing it (no case folding changes such characters). For a reader who sees every case, with no other filter,
those entries are the answer, counted and paged without LIKE: a common character or word costs what reading its
entries costs (engine.reading.case_list).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, any_, bindparam, delete, false, func, insert, literal, select, union_all
from sqlalchemy.orm import Session

from engine.persistence.db import connection
from engine.persistence.models import Case, table
from engine.persistence.prepared import Prepared
from engine.persistence.search_tables import CaseGram

# Postings counted per sequence when choosing the rarest: a sequence in this many cases or more narrows too little
# to be worth reading its cases instead of testing all. And how many sequences of a search are weighed.
PROBE = 5000
MAX_GRAMS = 8
_GRAMS = table(CaseGram)
_DROP = Prepared(delete(_GRAMS).where(_GRAMS.c.case_id == bindparam("case_id")))
_ADD = Prepared(insert(_GRAMS))


def grams(*texts: str | None) -> list[str]:
    """The distinct characters and two-character sequences of the texts, lower case, in order of appearance (none
    is or spans a space)."""
    found: dict[str, None] = {}
    for text in texts:
        lowered = (text or "").lower()
        for i, char in enumerate(lowered):
            if char.isspace():
                continue
            found[char] = None
            if i + 1 < len(lowered) and not lowered[i + 1].isspace():
                found[lowered[i:i + 2]] = None
    return list(found)


def looked_up(text: str) -> list[str]:
    """What a search looks up: its two-character sequences, or, with none (a single character), its characters."""
    found = grams(text)
    pairs = [gram for gram in found if len(gram) == 2]
    return (pairs or found)[:MAX_GRAMS]


def exact(text: str) -> str | None:
    """`text` when the index holds exactly the cases containing it as typed: one or two Chinese characters or
    digits; else None."""
    return text if 1 <= len(text) <= 2 and all(_caseless(char) for char in text) else None


def _caseless(char: str) -> bool:
    # CJK unified ideographs (with extension A and the compatibility block) and ASCII digits: lower() leaves them
    # as they are and no other character lowers into them, so the index's lower-cased entries match them exactly.
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff" or "0" <= char <= "9"


def holders(gram: str) -> Select[tuple[int]]:
    """The ids of the cases whose index entries hold `gram` (for an `exact` text, exactly those containing it)."""
    return select(_GRAMS.c.case_id).where(_GRAMS.c.gram == gram)


def count_holding(session: Session, gram: str) -> int:
    """How many cases hold `gram`, counted from the index alone."""
    return session.scalar(select(func.count()).select_from(_GRAMS).where(_GRAMS.c.gram == gram)) or 0


def index(session: Session, case_id: int, cadre_name: str | None, matter: str | None, replace: bool = True) -> None:
    """Write the case's sequences (replacing those it had unless `replace` is false: a new case has none)."""
    conn = connection(session)
    if replace:
        _DROP.run(conn, {"case_id": case_id})
    rows = [{"gram": gram, "case_id": case_id} for gram in grams(cadre_name, matter)]
    if rows:
        _ADD.run(conn, rows)


def narrowing(session: Session, text: str) -> ColumnElement[bool] | None:
    """A condition that keeps only the cases that may contain `text`: those holding its rarest sequence (or its
    character), or none at all when one of them is in no case; None when it has none or each is in PROBE cases or
    more."""
    wanted = looked_up(text)
    if not wanted:
        return None
    probes = [select(literal(gram).label("gram"), select(func.count()).select_from(
        select(_GRAMS.c.case_id).where(_GRAMS.c.gram == gram).limit(PROBE).subquery()).scalar_subquery().label("cases"))
        for gram in wanted]
    counts = session.execute(union_all(*probes) if len(probes) > 1 else probes[0]).all()
    gram, cases = min(counts, key=lambda row: row[1])
    if cases == 0:
        return false()
    if cases >= PROBE:
        return None
    holding = holders(gram)
    if session.get_bind().dialect.name == "postgresql":
        # As an array, the cases are fetched by their key and only they are tested: given `IN (subquery)` the
        # planner, which prices LIKE as nearly free, would rather test every case and hash-join the pairs.
        return Case.id == any_(func.array(holding.scalar_subquery()))
    return Case.id.in_(holding)
