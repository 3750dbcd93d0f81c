"""The engine's use cases on a small process: forms, permissions, failures, sandbox, concurrency."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, FormInvalid, ModelInvalid, ScriptFailed, TaskNotReady
from engine.library.deploy import deploy
from engine.persistence import audit, case_rows
from engine.persistence.models import AuditEvent, Case, CaseHandler, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import services
from tests.support.bpmn import FIXTURES, mini_files
from tests.support.cases import snapshot, start_mini


def test_a_case_runs_to_its_end_and_its_audit_verifies(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    result = services.complete_task(ctx, people["intake"], task_id, {"decision": "yes", "amount": 21})
    assert result.status == "completed" and result.open_task_ids == ()
    with ctx.sessions() as s:
        reports = audit.verify(s, case_id)
        events = [e.event for e in s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))]
    assert reports[0].ok and events == ["case_started", "task_completed"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": 3}, "decision", "此项为必填项"),
        ({"decision": "maybe"}, "decision", None),
        ({"decision": "yes", "route": "skip"}, "route", None),
        ({"decision": "yes", "amount": -5}, "amount", None),
    ],
    ids=["missing-required", "wrong-enumeration", "undeclared-key", "out-of-range"],
)
def test_bad_form_input_is_refused_per_field_and_changes_nothing(
    ctx: EngineContext, people: dict[str, Actor], data: dict[str, object], field: str, message: str | None
) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    before = snapshot(ctx, case_id)
    with pytest.raises(FormInvalid) as caught:
        services.complete_task(ctx, people["intake"], task_id, data)
    assert field in caught.value.fields and caught.value.fields[field]
    if message:
        assert message in caught.value.fields[field]
    assert snapshot(ctx, case_id) == before


def test_completing_twice_or_from_another_group_is_refused(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    with pytest.raises(Forbidden):
        services.complete_task(ctx, people["investigator"], task_id, {"decision": "yes"})
    with pytest.raises(Forbidden):
        services.claim_task(ctx, people["applicant"], task_id)
    services.complete_task(ctx, people["intake"], task_id, {"decision": "no"})
    with pytest.raises(TaskNotReady):
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})


def test_a_claimed_task_belongs_to_its_claimant(ctx: EngineContext, people: dict[str, Actor]) -> None:
    second = Actor("intake2", frozenset({"intake"}))
    _, task_id = start_mini(ctx, people["intake"])
    services.claim_task(ctx, people["intake"], task_id)
    with pytest.raises(Conflict):
        services.claim_task(ctx, second, task_id)
    with pytest.raises(Forbidden):
        services.complete_task(ctx, second, task_id, {"decision": "yes"})
    services.release_task(ctx, people["intake"], task_id)
    services.claim_task(ctx, second, task_id)


@pytest.mark.parametrize(
    "script",
    ["import os\nos.system('touch /tmp/rcjc-pwned')", "x = ().__class__.__base__.__subclasses__()"],
    ids=["import-os", "subclasses-escape"],
)
def test_scripts_that_escape_are_refused_at_deployment_with_the_line(ctx: EngineContext, script: str) -> None:
    with pytest.raises(ModelInvalid) as caught:
        deploy(ctx, SYSTEM, mini_files(script))
    problem = caught.value.problems[0]
    assert problem.file == "mini.bpmn" and problem.line and problem.line > 1


def test_an_external_entity_is_refused_and_never_read(ctx: EngineContext) -> None:
    with pytest.raises(ModelInvalid) as caught:
        deploy(ctx, SYSTEM, {"xxe.bpmn": (FIXTURES / "malicious" / "xxe.bpmn").read_bytes()})
    assert "root:" not in str(caught.value)
    assert caught.value.problems[0].file == "xxe.bpmn"


def test_an_escape_built_at_run_time_fails_safely_and_keeps_the_input(
    ctx: EngineContext, people: dict[str, Actor], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    script = f"cls = getattr((), '__cl' + 'ass__')\\nopen('{marker}', 'w')"
    case_id, task_id = start_mini(ctx, people["intake"], script.replace("\\n", "\n"))
    with pytest.raises(ScriptFailed):
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes", "amount": 7})
    assert not marker.exists()
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "error"
        assert case.error and case.error["data"] == {"decision": "yes", "amount": 7}
        assert s.get(TaskIndex, task_id) is not None  # the step was rolled back: the task is still open
        assert audit.verify(s, case_id)[0].ok


def test_two_handlers_completing_one_task_at_once_one_wins(ctx: EngineContext, people: dict[str, Actor]) -> None:
    case_id, task_id = start_mini(ctx, people["intake"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(decision: str) -> None:
        barrier.wait()
        try:
            services.complete_task(ctx, people["intake"], task_id, {"decision": decision})
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=act, args=(d,)) for d in ("yes", "no")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "completed"
        handlers = s.scalar(select(func.count()).select_from(CaseHandler).where(CaseHandler.case_id == case_id))
        completions = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.event == "task_completed"))
        open_rows = s.scalar(select(func.count()).select_from(TaskIndex).where(TaskIndex.case_id == case_id))
        assert (handlers, completions, open_rows) == (1, 1, 0)
        assert audit.verify(s, case_id)[0].ok


def test_a_case_row_write_sends_only_changed_columns_and_still_checks_the_version(ctx: EngineContext) -> None:
    deploy(ctx, SYSTEM, mini_files())
    case_id = services.start_case(ctx, Actor("a", frozenset({"intake"})), "mini", "standard", {"title": "测试"}).case_id
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(ctx.db, "before_cursor_execute", seen)
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            row = case_rows.lock_existing(uow.session, case_id)
            stale = case_rows.lock_existing(uow.session, case_id)
            row.matter = "新的事项"
            case_rows.write(uow.session, row)
            with pytest.raises(Conflict):
                case_rows.write(uow.session, stale)  # read before the first write: its version is old
            uow.commit()
    finally:
        event.remove(ctx.db, "before_cursor_execute", seen)
    update = next(s for s in statements if s.lstrip().upper().startswith("UPDATE"))
    assert "matter" in update and "state" not in update and "status" not in update
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.matter == "新的事项" and case.version == 3
