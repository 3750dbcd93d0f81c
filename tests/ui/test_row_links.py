"""Row links built once per page are the links the router builds, and the lists use them."""

from __future__ import annotations

import re
import uuid

from flask import Flask, url_for

from engine.context import EngineContext
from tests.support.pages import new_browser, start_case
from webapp.ui.links import link_for


def test_a_link_built_once_is_the_routers_link_for_every_value(app: Flask) -> None:
    with app.test_request_context("/inbox"):
        case_link, task_link = link_for("ui_case.case", "case_id"), link_for("ui_task.task", "task_id")
        task_id = str(uuid.uuid4())
        assert case_link(7) == url_for("ui_case.case", case_id=7) == "/cases/7"
        assert case_link(1234567) == url_for("ui_case.case", case_id=1234567)
        assert task_link(task_id) == url_for("ui_task.task", task_id=task_id)
        assert task_link("第 1 轮?#") == url_for("ui_task.task", task_id="第 1 轮?#")


def test_the_inbox_rows_link_to_their_case_their_task_and_the_claim(app: Flask, deployed: EngineContext) -> None:
    start_case(app)
    page = new_browser(app, "intake").get("/inbox").get_data(as_text=True)
    rows = re.findall(r'<tr class="[^"]*" data-task="([^"]+)">(.*?)</tr>', page, re.S)
    assert rows
    for task_id, row in rows:
        assert f'href="/tasks/{task_id}"' in row
        assert re.search(rf'action="/tasks/{task_id}/(claim|release)"', row)
        assert re.search(r'href="/cases/\d+"', row)
