"""What operators and proxies check: that the database answers at the schema revision this code needs, and how
much it holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from engine.context import EngineContext
from engine.persistence import schema
from engine.persistence.models import Case, ProcessVersion


@dataclass(frozen=True)
class Health:
    """How many process versions are deployed and how many cases exist."""

    process_versions: int
    cases: int


def health(ctx: EngineContext) -> Health:
    """Count deployed versions and cases (a query that fails means the database is down)."""
    with ctx.sessions() as session:
        processes = session.scalar(select(func.count()).select_from(ProcessVersion)) or 0
        cases = session.scalar(select(func.count()).select_from(Case)) or 0
    return Health(processes, cases)


@dataclass(frozen=True)
class Readiness:
    """Whether this node may take requests: the database answers and its schema is the one this code needs."""

    ready: bool
    revision: str | None
    head: str | None
    problem: str = ""


def readiness(ctx: EngineContext) -> Readiness:
    """Ask the database for its schema revision; a failure or another revision than the code's head is not ready."""
    head = schema.head_revision()
    try:
        with ctx.db.connect() as connection:
            revision = schema.current_revision(connection)
    except SQLAlchemyError as exc:
        return Readiness(False, None, head, f"database unreachable: {type(exc).__name__}")
    if revision != head:
        return Readiness(False, revision, head, "schema is not current: run `rcjc init` to migrate")
    return Readiness(True, revision, head)
