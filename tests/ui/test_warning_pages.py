"""The warnings page and a case's signs beside it: supervisors list signs in words and acknowledge each with a note
(a missing note is said and nothing is lost); those who examine the case see its signs on the case and task pages;
the applicant unit sees none, and no one else may open the list."""

from __future__ import annotations

import re

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.documents import ruled
from tests.support.driver import apply
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_supervisors_acknowledge_a_sign_with_a_note(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    first = ruled(via)
    again = apply(via, matter="农村道路建设项目提前开工")
    supervisor = new_browser(app, "supervisor")
    assert "/warnings" in re.findall(r"<nav.*?</nav>", supervisor.get("/inbox").get_data(as_text=True), re.S)[0]
    page = supervisor.get("/warnings").get_data(as_text=True)
    row = re.search(r'<tr data-warning="(\d+)">(.*?)</tr>', page, re.S)
    assert row, page
    words = text_of(row.group(2))
    assert "重复容错" in words and f"#{again.case_id}" in words and f"案件#{first.case_id}" in words
    assert "repeated_tolerance" not in text_of(page)
    refused = supervisor.post(f"/warnings/{row.group(1)}/acknowledge", {"note": "   "})
    assert refused.status_code == 422 and "请填写处理意见" in refused.get_data(as_text=True)
    done = supervisor.post(f"/warnings/{row.group(1)}/acknowledge", {"note": "经核实，属不同事项，不构成重复犯错"})
    assert done.status_code == 302
    assert "暂无预警" in supervisor.get("/warnings").get_data(as_text=True)
    history = text_of(supervisor.get("/warnings?all=1").get_data(as_text=True))
    assert "经核实，属不同事项，不构成重复犯错" in history and "处理" in history
    again_page = supervisor.post(f"/warnings/{row.group(1)}/acknowledge", {"note": "再次确认"})
    assert again_page.status_code == 302
    assert "该预警已处理" in supervisor.get("/warnings").get_data(as_text=True)
    audit = text_of(supervisor.get(f"/cases/{again.case_id}").get_data(as_text=True))
    assert "预警已处理" in audit


def test_signs_show_beside_the_case_to_those_who_examine_it(app: Flask, deployed: EngineContext,
                                                             people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    ruled(via)
    again = apply(via, matter="农村道路建设项目提前开工")
    again.accept()
    again.triage("ordinary")
    intake = new_browser(app, "intake").get(f"/cases/{again.case_id}").get_data(as_text=True)
    assert 'data-testid="warning-signs"' in intake and "重复容错" in text_of(intake)
    task_id = again.task("investigation").id
    investigator = new_browser(app, "investigator").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'data-testid="warning-signs"' in investigator and "请在调查核实中确认或排除" in text_of(investigator)
    applicant = new_browser(app, "applicant").get(f"/cases/{again.case_id}").get_data(as_text=True)
    assert 'data-testid="warning-signs"' not in applicant
    for who in ("intake", "applicant", "orgdept"):
        visitor = new_browser(app, who)
        assert visitor.get("/warnings").status_code == 403
        assert visitor.post("/warnings/1/acknowledge", {"note": "已阅"}).status_code == 403
    assert new_browser(app, "supervisor").post("/warnings/1/acknowledge", {"note": "x"}, csrf=False).status_code == 400
