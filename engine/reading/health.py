"""What operators check: that the database answers, and how much it holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.context import EngineContext
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
