"""Cases through the engine's services: the small test process started, and what a refused step must leave alone."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.models import AuditEvent, Case, TaskIndex
from engine.procedure import services
from tests.support.bpmn import mini_files


def start_mini(ctx: EngineContext, actor: Actor, script: str | None = None) -> tuple[int, str]:
    """Deploy the small test process (with `script` in its script task, when given) and start a case; case and task ids."""
    deploy(ctx, SYSTEM, mini_files(script) if script else mini_files())
    result = services.start_case(ctx, actor, "mini", "standard", {"title": "测试"})
    return result.case_id, result.open_task_ids[0]


def snapshot(ctx: EngineContext, case_id: int) -> tuple[int, str, int, int]:
    """Version, state, task rows and audit events of a case: what must not change on a refused step."""
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        tasks = s.scalar(select(func.count()).select_from(TaskIndex).where(TaskIndex.case_id == case_id))
        events = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case_id))
        return case.version, case.state, tasks or 0, events or 0
