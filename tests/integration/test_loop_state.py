"""A step asked again and again (supplement after supplement) costs the same in round 30 as in round 3: the stored
state keeps the round in progress, while the history, the audit trail and the diagram keep every round."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.models import AuditEvent, Case, CaseHandler
from engine.procedure import consistency, services
from engine.reading import queries

LOOP_MODEL = Path(__file__).resolve().parents[2] / "bench" / "models" / "loop"


def _state_bytes(ctx: EngineContext, case_id: int) -> int:
    with ctx.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return len(case.state)


def test_a_looping_case_keeps_a_small_state_and_its_whole_history(ctx: EngineContext, people: dict[str, Actor]) -> None:
    deploy(ctx, SYSTEM, {p.name: p.read_bytes() for p in sorted(LOOP_MODEL.iterdir())})
    intake = people["intake"]
    result = services.start_case(ctx, intake, "bench_loop", "standard", {"title": "反复补正", "cadre_unit": "示例区财政局"})
    sizes = {}
    for n in range(1, 31):
        (task_id,) = result.open_task_ids
        result = services.complete_task(ctx, intake, task_id, {"again": "yes", "round_note": f"第 {n} 轮"})
        sizes[n] = _state_bytes(ctx, result.case_id)
    assert sizes[30] <= 1.2 * sizes[3]
    with ctx.sessions() as session:
        case = session.get(Case, result.case_id)
        assert case is not None
        assert consistency.check_case(ctx, session, case).ok
        view = queries.case_view(ctx, session, intake, result.case_id)
        handled = session.scalar(select(func.count()).select_from(CaseHandler).where(CaseHandler.case_id == case.id))
        completions = session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.case_id == case.id, AuditEvent.event == "task_completed"))
    assert view["data"]["rounds"] == 30 and view["data"]["round_note"] == "第 30 轮"
    # The first round's elements still show as done on the diagram although their tasks are gone from the state.
    assert {"start_loop", "init_rounds", "review_round", "count_round", "gw_again"} <= set(view["completed_elements"])
    assert view["active_elements"] == ["review_round"]
    assert handled == 30 and completions == 30
    (task_id,) = result.open_task_ids
    final = services.complete_task(ctx, intake, task_id, {"again": "no"})
    assert final.status == "completed"
