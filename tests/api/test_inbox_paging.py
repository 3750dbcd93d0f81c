"""The inbox and GET /api/v1/tasks a window at a time: my claimed tasks first, then my groups' queue, each page
read in SQL with the true total, filters and sorts applied before paging, no row lost or repeated between pages."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.client import sign_in
from tests.support.driver import apply
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport

QUEUED = 53


def test_the_inbox_pages_each_table_with_its_total(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    runs = [apply(via, matter=f"试点事项{n:02d}") for n in range(QUEUED)]
    intake = new_browser(app, "intake")
    first = intake.get("/inbox").get_data(as_text=True)
    queue = re.search(r'<table class="tasks" data-testid="queue">.*?</table>', first, re.S)
    assert queue and len(re.findall(r"data-task=", queue.group(0))) == 50
    assert "第 1 页，共 2 页 · 共 53 个任务" in first
    second = intake.get("/inbox?qpage=2").get_data(as_text=True)
    rest = re.search(r'<table class="tasks" data-testid="queue">.*?</table>', second, re.S)
    assert rest is not None
    seen = re.findall(r'data-task="([0-9a-f-]{36})"', queue.group(0)) + re.findall(r'data-task="([0-9a-f-]{36})"', rest.group(0))
    assert sorted(seen) == sorted({run.task("acceptance_review").id for run in runs})
    # Words filter before paging: one match, one page.
    found = intake.get("/inbox?q=试点事项07").get_data(as_text=True)
    assert len(re.findall(r"data-task=", found)) == 1 and "pager-qpage" not in found


def test_the_task_list_windows_mine_then_the_queue(http: FlaskClient, deployed: EngineContext,
                                                   people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    runs = [apply(via, matter=f"试点事项{n:02d}") for n in range(7)]
    for run in runs[:2]:
        via.claim("intake", run.task("acceptance_review").id)
    intake = sign_in(http, "intake")
    pages = [intake.get("/tasks", query_string={"page": p, "per_page": 3}) for p in (1, 2, 3, 4)]
    assert {p["total"] for p in pages} == {7}
    ids = [item["id"] for p in pages for item in p["items"]]
    assert len(ids) == len(set(ids)) == 7
    assert [item["assignee"] for item in pages[0]["items"]] == ["intake", "intake", None]
    assert pages[3]["items"] == []
    mine = intake.get("/tasks", query_string={"mine": "true"})
    assert mine["total"] == 2 and {i["assignee"] for i in mine["items"]} == {"intake"}
    queued = intake.get("/tasks", query_string={"group": "intake", "per_page": 2, "page": 3})
    assert queued["total"] == 5 and len(queued["items"]) == 1
