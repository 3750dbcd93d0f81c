"""Supervisors repair cases through the pages: a failed step retried with corrected input, bulk actions."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from engine.access import users
from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import ScriptFailed
from engine.library.deploy import deploy
from engine.persistence.models import AuditEvent, Case, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import repair, services
from tests.support.bpmn import mini_files
from tests.support.cases import start_mini
from tests.support.pages import new_browser
from webapp.cli import main


def test_a_failed_step_is_found_stuck_repaired_through_the_page_and_the_case_finishes(
    app: Flask, deployed: EngineContext, people: dict[str, Actor], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id, task_id = start_mini(deployed, people["intake"], "ratio = 100 // amount")
    with pytest.raises(ScriptFailed):
        services.complete_task(deployed, people["intake"], task_id, {"decision": "yes", "amount": 0})
    supervisor = new_browser(app, "supervisor")
    dashboard = supervisor.get("/dashboard").get_data(as_text=True)
    assert f'data-case="{case_id}"' in dashboard and "环节执行失败" in dashboard
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "有环节执行失败" in page and "integer division or modulo by zero" in page
    assert re.search(r'name="amount"[^>]*value="0"', page)  # the handler's input, kept for the retry
    supervisor.post(f"/cases/{case_id}/repair", {"action": "retry", "decision": "yes", "amount": "0"})
    assert "有环节执行失败" in supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    supervisor.post(f"/cases/{case_id}/repair", {"action": "retry", "decision": "yes", "amount": "4"})
    with deployed.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "completed"
        repaired = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                      AuditEvent.event == "case_repaired")).all()
    assert [(e.actor, e.details["before"], e.details["after"]) for e in repaired] == [
        ("supervisor", {"decision": "yes", "amount": 0}, {"decision": "yes", "amount": 4})]
    monkeypatch.setenv("DATABASE_URL", db_url)
    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_others_cannot_repair(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    case_id, _ = start_mini(deployed, people["intake"])
    intake = new_browser(app, "intake")
    intake.get("/inbox")
    response = intake.post(f"/cases/{case_id}/repair", {"action": "terminate", "reason": "不该成功"})
    assert "只有监督人员可以修复案件" in intake.get(response.headers["Location"]).get_data(as_text=True)
    with deployed.sessions() as s:
        assert s.get(Case, case_id).status == "running"  # type: ignore[union-attr]


def test_bulk_reassign_and_bulk_suspend_over_fifty_cases(app: Flask, deployed: EngineContext,
                                                         people: dict[str, Actor]) -> None:
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "intake2", "Lantern-Meadow-2718", ["intake"], uow.now)
        uow.commit()
    started = [start_mini(deployed, people["intake"]) for _ in range(50)]
    supervisor = new_browser(app, "supervisor")
    supervisor.get("/dashboard")
    supervisor.client.post("/dashboard/reassign", data={"csrf_token": supervisor.token, "assignee": "intake2",
                                                        "task_ids": [t for _, t in started]},
                           base_url="https://localhost", headers={"Referer": "https://localhost/"})
    page = supervisor.get("/dashboard").get_data(as_text=True)
    assert "共 50 项，已完成 50 项。" in page
    with deployed.sessions() as s:
        assignees = set(s.scalars(select(TaskIndex.assignee).where(TaskIndex.id.in_([t for _, t in started]))))
    assert assignees == {"intake2"}
    supervisor.client.post("/dashboard/repair", data={"csrf_token": supervisor.token, "action": "suspend",
                                                      "reason": "专项检查", "case_ids": [str(c) for c, _ in started]},
                           base_url="https://localhost", headers={"Referer": "https://localhost/"})
    with deployed.sessions() as s:
        statuses = set(s.scalars(select(Case.status).where(Case.id.in_([c for c, _ in started]))))
    assert statuses == {"suspended"}


def _case_in_state(deployed: EngineContext, people: dict[str, Actor], action: str) -> int:
    """A mini case in the state the repair action applies to (failed, running, suspended, on an older version)."""
    if action == "retry":
        case_id, task_id = start_mini(deployed, people["intake"], "ratio = 100 // amount")
        with pytest.raises(ScriptFailed):
            services.complete_task(deployed, people["intake"], task_id, {"decision": "yes", "amount": 0})
        return case_id
    case_id, _task = start_mini(deployed, people["intake"])
    if action == "resume":
        repair.suspend(deployed, people["supervisor"], case_id, "暂停核查")
    if action == "migrate":
        deploy(deployed, SYSTEM, mini_files("doubled = 3 * len(title)"))
    return case_id


@pytest.mark.parametrize(("action", "status"), [
    ("retry", "completed"), ("skip", "completed"), ("suspend", "suspended"), ("resume", "running"),
    ("terminate", "terminated"), ("migrate", "running"),
])
def test_each_repair_from_the_case_page_redirects_to_the_case_with_a_notice(
    action: str, status: str, app: Flask, deployed: EngineContext, people: dict[str, Actor]
) -> None:
    case_id = _case_in_state(deployed, people, action)
    supervisor = new_browser(app, "supervisor")
    page = supervisor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'value="{action}"' in page  # the page offers the action it is about to be used for
    with deployed.sessions() as s:
        open_task = s.scalar(select(TaskIndex.id).where(TaskIndex.case_id == case_id))
        version_before = s.get(Case, case_id).process_version_id  # type: ignore[union-attr]
    form = {"action": action, "reason": "专项检查", "task_id": open_task or "", "decision": "yes", "amount": "4"}
    response = supervisor.post(f"/cases/{case_id}/repair", form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case_id}")
    shown = supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert "已完成。" in shown
    with deployed.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == status
        assert (case.process_version_id != version_before) == (action == "migrate")
