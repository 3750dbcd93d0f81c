"""Warning signs a test needs in place, raised the way a supervisor's repair raises them."""

from __future__ import annotations

from sqlalchemy import select

from engine.context import EngineContext
from engine.persistence.models import CaseWarning
from engine.procedure import warning_signs


def raise_sign(ctx: EngineContext, case_id: int) -> int:
    """An irregular-procedure sign on the case (a step skipped); its id."""
    with ctx.sessions() as session:
        warning_signs.raise_event(session, case_id, "procedure_irregular", "skip", ctx.clock.now())
        session.commit()
        return int(session.scalar(select(CaseWarning.id).where(CaseWarning.case_id == case_id)) or 0)
