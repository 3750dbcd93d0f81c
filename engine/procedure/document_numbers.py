"""Document numbers (文号) from the register: per kind of document and year, gapless, taken in the issuing transaction.

A number is taken with one statement that inserts the kind's counter for the year at 1 or adds one to it, and
returns the new value. The counter row stays locked until the issuing transaction ends: on PostgreSQL the
upsert holds the row lock (a second issuer of the same kind and year waits, then counts on from the committed
value), on SQLite the unit of work holds the database's write lock from its first statement (BEGIN IMMEDIATE).
A rolled-back issue rolls its number back with it, so numbers run 1, 2, 3 ... without gaps or repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.config import EngineConfig
from engine.errors import NotFound
from engine.persistence.db import connection
from engine.persistence.models import DocumentCounter, table
from engine.persistence.prepared import Prepared
from engine.persistence.uow import UnitOfWork

COUNTERS = table(DocumentCounter)
_TAKE = {
    "postgresql": Prepared(postgresql.insert(COUNTERS).on_conflict_do_update(
        index_elements=[COUNTERS.c.kind, COUNTERS.c.year], set_={"seq": COUNTERS.c.seq + 1}).returning(COUNTERS.c.seq)),
    "sqlite": Prepared(sqlite.insert(COUNTERS).on_conflict_do_update(
        index_elements=[COUNTERS.c.kind, COUNTERS.c.year], set_={"seq": COUNTERS.c.seq + 1}).returning(COUNTERS.c.seq)),
}


@dataclass(frozen=True)
class IssuedNumber:
    """A number taken from the register: its kind, year, place in the year and the text printed on the document."""

    kind: str
    year: int
    seq: int
    text: str


def issuing_year(at: datetime, timezone: str) -> int:
    """The year a document issued at `at` (aware) is numbered in: the calendar year in the deployment's time zone."""
    return at.astimezone(ZoneInfo(timezone)).year


def format_number(config: EngineConfig, kind: str, year: int, seq: int) -> str:
    """The text of number `seq` of `kind` in `year`, by the kind's configured pattern.

    Raises:
        NotFound: no pattern is configured for the kind.
    """
    pattern = config.document_patterns.get(kind)
    if pattern is None:
        raise NotFound("未配置文书类型 %(kind)s 的文号格式", kind=kind)
    return pattern.format(prefix=config.settings.get("document_prefix", ""), year=year, seq=seq)


def next_number(session: Session, config: EngineConfig, kind: str, year: int) -> IssuedNumber:
    """Take the next number of `kind` in `year` inside the session's transaction, which must be a write
    transaction (a unit of work's); it is the caller's to commit, and rolling back gives the number back.

    Raises:
        NotFound: no pattern is configured for the kind (nothing is taken).
    """
    format_number(config, kind, year, 1)  # an unknown kind takes nothing
    conn = connection(session)
    seq = int(_TAKE[conn.dialect.name].run(conn, {"kind": kind, "year": year, "seq": 1}).scalar_one())
    return IssuedNumber(kind, year, seq, format_number(config, kind, year, seq))


def issue_number(uow: UnitOfWork, config: EngineConfig, kind: str) -> IssuedNumber:
    """Take the next number of `kind` for a document issued now (the unit of work's moment), numbered in the
    year of that moment in the configured time zone.

    Raises:
        NotFound: no pattern is configured for the kind.
    """
    return next_number(uow.session, config, kind, issuing_year(uow.now, config.timezone))
