"""Supervisors repair cases: retry with edited input, skip, suspend and resume, terminate, move to a newer version."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, FormInvalid, ScriptFailed
from engine.library.deploy import deploy
from engine.persistence import audit
from engine.persistence.models import AuditEvent, Case, TaskIndex
from engine.procedure import repair, services
from engine.procedure.timers import fire_due_timers
from tests.support.bpmn import mini_files
from tests.support.cases import start_mini

FAILS_ON_ZERO = "ratio = 100 // amount"


def case_of(ctx: EngineContext, case_id: int) -> Case:
    """The case row as it is now."""
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def repairs(ctx: EngineContext, case_id: int) -> list[dict[str, object]]:
    """The details of the case's repair events, oldest first."""
    with ctx.sessions() as s:
        return [e.details for e in s.scalars(select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.event == "case_repaired").order_by(AuditEvent.seq))]


def failed_case(ctx: EngineContext, people: dict[str, Actor]) -> tuple[int, str]:
    """A case whose step failed on the handler's input (division by zero in the model's script)."""
    case_id, task_id = start_mini(ctx, people["intake"], FAILS_ON_ZERO)
    with pytest.raises(ScriptFailed):
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes", "amount": 0})
    return case_id, task_id


def test_retry_with_edited_input_finishes_the_case_and_records_before_and_after(
    ctx: EngineContext, people: dict[str, Actor]
) -> None:
    case_id, task_id = failed_case(ctx, people)
    case = case_of(ctx, case_id)
    assert case.status == "error" and case.error and case.error["data"] == {"decision": "yes", "amount": 0}
    with pytest.raises(Forbidden):
        repair.retry(ctx, people["intake"], case_id)
    with pytest.raises(Forbidden):
        repair.failed_step(ctx, people["intake"], case_id)  # the handler's kept input is shown to supervisors only
    failed = repair.failed_step(ctx, people["supervisor"], case_id)
    assert failed is not None and failed.kept == {"decision": "yes", "amount": 0}
    assert {c.get("key") for c in failed.form["components"]} >= {"decision", "amount"}
    with pytest.raises(ScriptFailed):
        repair.retry(ctx, people["supervisor"], case_id)  # the same input fails the same way
    assert case_of(ctx, case_id).status == "error"
    with pytest.raises(FormInvalid):
        repair.retry(ctx, people["supervisor"], case_id, {"decision": "maybe", "amount": 5})
    result = repair.retry(ctx, people["supervisor"], case_id, {"decision": "yes", "amount": 5})
    assert result.status == "completed"
    assert repairs(ctx, case_id) == [{"action": "retry", "error": case.error["message"],
                                      "before": {"decision": "yes", "amount": 0},
                                      "after": {"decision": "yes", "amount": 5}}]
    with ctx.sessions() as s:
        assert all(r.ok for r in audit.verify(s, case_id))


def test_skip_a_step_with_a_reason(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"], "ratio = 1")
    with pytest.raises(FormInvalid):
        repair.skip(ctx, people["supervisor"], case_id, task_id, "  ")
    result = repair.skip(ctx, people["supervisor"], case_id, task_id, "申请人撤回，免于审核")
    assert result.status == "completed"
    assert repairs(ctx, case_id)[0] == {"action": "skip", "name": "审核", "reason": "申请人撤回，免于审核"}


def test_a_suspended_case_takes_no_steps_until_resumed(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    repair.suspend(ctx, people["supervisor"], case_id, "等待上级意见")
    with pytest.raises(Conflict):
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})
    with pytest.raises(Conflict):
        repair.suspend(ctx, people["supervisor"], case_id, "再次挂起")
    repair.resume(ctx, people["supervisor"], case_id, "已有意见")
    assert services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"}).status == "completed"
    assert [r["action"] for r in repairs(ctx, case_id)] == ["suspend", "resume"]


def test_a_failed_case_suspended_and_resumed_is_still_in_error(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, _ = failed_case(ctx, people)
    repair.suspend(ctx, people["supervisor"], case_id, "先挂起")
    repair.resume(ctx, people["supervisor"], case_id)
    assert case_of(ctx, case_id).status == "error"


def test_terminate_drops_open_tasks(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    repair.terminate(ctx, people["supervisor"], case_id, "重复立案")
    case = case_of(ctx, case_id)
    assert (case.status, case.closure, case.next_timer_at) == ("terminated", "terminated", None)
    with ctx.sessions() as s:
        assert s.scalar(select(TaskIndex.id).where(TaskIndex.case_id == case_id)) is None
    with pytest.raises(Conflict):
        repair.terminate(ctx, people["supervisor"], case_id, "again")
    assert fire_due_timers(ctx).fired == []


def test_move_to_the_newest_version_when_compatible_and_refuse_when_not(
    ctx: EngineContext, people: dict[str, Actor]
) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    with pytest.raises(Conflict):
        repair.migrate(ctx, people["supervisor"], case_id)  # nothing newer yet
    relabelled = mini_files()
    relabelled["mini.bpmn"] = relabelled["mini.bpmn"].replace("审核".encode(), "复核".encode())
    deploy(ctx, SYSTEM, relabelled)
    repair.migrate(ctx, people["supervisor"], case_id)
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.process_version.version == 2
        assert s.get(TaskIndex, task_id).name == "复核"  # type: ignore[union-attr]
    renamed = mini_files()
    renamed["mini.bpmn"] = renamed["mini.bpmn"].replace(b'"review"', b'"review_v3"')
    deploy(ctx, SYSTEM, renamed)
    with pytest.raises(Conflict) as refused:
        repair.migrate(ctx, people["supervisor"], case_id)
    assert "mini/review" in refused.value.message
    assert services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"}).status == "completed"


def test_bulk_actions_report_each_case(ctx: EngineContext, people: dict[str, Actor]) -> None:
    running = [start_mini(ctx, people["intake"])[0] for _ in range(3)]
    outcomes = repair.bulk(running + [running[0], 999_999],
                           lambda case_id: repair.suspend(ctx, people["supervisor"], case_id, "集中整改"))
    assert [(o.case_id, o.ok) for o in outcomes] == [(running[0], True), (running[1], True), (running[2], True),
                                                       (999_999, False)]
    assert "不存在" in outcomes[-1].message
    assert all(case_of(ctx, c).status == "suspended" for c in running)
