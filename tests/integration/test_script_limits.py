"""Scripts that would freeze or drain the server fail their step; scripts read procedure settings, never credentials."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import ScriptFailed
from engine.persistence import audit
from engine.persistence.models import AuditEvent, Case, TaskIndex
from engine.procedure import runtime, services, workflow_store
from tests.support.cases import start_mini

SECRET = "smtp-secret-7f3a"


def case_of(ctx: EngineContext, case_id: int) -> Case:
    """The case row as it is now."""
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def final_data(ctx: EngineContext, case_id: int) -> dict[str, object]:
    """The data of a finished case."""
    with ctx.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "completed"
        _, workflow = workflow_store.load_workflow(ctx, s, case)
        return runtime.case_data(workflow)


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("x = 10**(3*10**7) > 5", "乘方（**）的结果过大"),
        ("x = 'a'*(3*10**9)", "乘法（*）的结果过大"),
    ],
    ids=["big-int-power", "huge-string"],
)
def test_an_operation_too_big_for_one_step_marks_the_case_in_error_with_the_reason(
    ctx: EngineContext, people: dict[str, Actor], script: str, reason: str
) -> None:
    case_id, task_id = start_mini(ctx, people["intake"], script)
    with pytest.raises(ScriptFailed) as caught:
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes", "amount": 3})
    assert reason in caught.value.message
    case = case_of(ctx, case_id)
    assert case.status == "error" and case.error is not None
    assert reason in case.error["message"] and case.error["task"] == "计算"
    assert case.error["data"] == {"decision": "yes", "amount": 3}
    with ctx.sessions() as s:
        assert s.get(TaskIndex, task_id) is not None  # rolled back: the handler's task is still open
        assert audit.verify(s, case_id)[0].ok
    # The process goes on serving: another case on a sound script runs to its end.
    other_case, other_task = start_mini(ctx, people["intake"], "doubled = 2 * len(title)")
    assert services.complete_task(ctx, people["intake"], other_task, {"decision": "no"}).status == "completed"
    assert final_data(ctx, other_case)["doubled"] == 4


def test_scripts_read_procedure_settings_but_not_the_mail_password(ctx: EngineContext, people: dict[str, Actor]) -> None:
    settings = {**ctx.config.settings, "smtp_host": "mail.example", "smtp_password": SECRET}
    ctx = replace(ctx, config=replace(ctx.config, settings=settings))
    case_id, task_id = start_mini(ctx, people["intake"], "quorum = setting('quorum')\nwindow = setting('application_window')")
    services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})
    data = final_data(ctx, case_id)
    assert (data["quorum"], data["window"]) == ("2/3", "1mo")

    for name in ("smtp_password", "smtp_host"):
        case_id, task_id = start_mini(ctx, people["intake"], f"leak = setting('{name}')")
        with pytest.raises(ScriptFailed) as caught:
            services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})
        assert f"脚本不能读取设置 '{name}'" in caught.value.message
        case = case_of(ctx, case_id)
        assert case.status == "error" and case.error is not None and name in case.error["message"]
        with ctx.sessions() as s:
            stored = [str(e.details) for e in s.query(AuditEvent).filter(AuditEvent.case_id == case_id)]
        assert SECRET not in str(case.error) + "".join(stored)


def test_a_script_cannot_catch_the_refusal_and_go_on(ctx: EngineContext, people: dict[str, Actor]) -> None:
    script = "try:\n    leak = setting('smtp_password')\nexcept (KeyError, ValueError, TypeError, LookupError):\n    leak = None"
    case_id, task_id = start_mini(ctx, people["intake"], script)
    with pytest.raises(ScriptFailed, match="脚本不能读取设置"):
        services.complete_task(ctx, people["intake"], task_id, {"decision": "yes"})
    assert case_of(ctx, case_id).status == "error"
