"""The supervision dashboard at volume: one page of overdue tasks at a time with the true totals, open work counted
by stage, department and age, and a task's reassignment choice fetched only when asked for."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.reading.dashboard import PER_PAGE
from tests.support.clock import FrozenClock
from tests.support.driver import apply
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def test_overdue_tasks_page_with_true_totals_and_no_choice_per_row(
        app: Flask, deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock) -> None:
    via = ServiceTransport(deployed, people)
    runs = [apply(via, matter=f"事项{n}") for n in range(PER_PAGE + 3)]
    clock.advance(timedelta(days=20))
    supervisor = new_browser(app, "supervisor")
    first = supervisor.get("/dashboard").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", first))
    assert f"在办案件 {PER_PAGE + 3} 件" in text and f"超期任务 {PER_PAGE + 3} 个" in text
    assert len(re.findall(r'<tr class="overdue" data-task=', first)) == PER_PAGE
    # Only the bulk form lists people; each row links to its own choice.
    assert first.count('name="assignee"') == 1
    assert len(re.findall(r'href="/dashboard/tasks/[0-9a-f-]{36}/reassign"', first)) == PER_PAGE
    second = supervisor.get("/dashboard?page=2").get_data(as_text=True)
    rows = re.findall(r'<tr class="overdue" data-task="([0-9a-f-]{36})"', second)
    assert len(rows) == 3 and "第 2 页，共 2 页" in second
    shown = set(re.findall(r'data-task="([0-9a-f-]{36})"', first)) | set(rows)
    assert shown == {run.task("acceptance_review").id for run in runs}
    # Open work is counted over every task, not the page: all are at acceptance, all 20 days old.
    assert re.search(rf"<title>[^<]*: {PER_PAGE + 3}</title>", first)
    choice = supervisor.get(f"/dashboard/tasks/{rows[0]}/reassign").get_data(as_text=True)
    assert 'data-testid="reassign"' in choice and 'value="intake"' in choice
    assert supervisor.get("/dashboard/tasks/00000000-0000-0000-0000-000000000000/reassign").status_code == 404
    assert new_browser(app, "intake").get(f"/dashboard/tasks/{rows[0]}/reassign").status_code == 403
