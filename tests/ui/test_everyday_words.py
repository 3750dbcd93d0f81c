"""Everyday words and details: giving a claimed task back is 放弃认领 (退回 means sending a case back), 发起案件 is
offered only to those who may start something, every page has an icon, a closed case shows no repair card."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from flask import Flask

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.filings import file
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def test_a_claimed_task_is_given_back_by_releasing_it_not_by_sending_it_back(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    task_id = apply(via).task("acceptance_review").id
    via.claim("intake", task_id)
    intake = new_browser(app, "intake")
    page = intake.get("/inbox").get_data(as_text=True)
    mine = re.search(r'<table class="tasks" data-testid="mine">.*?</table>', page, re.S)
    assert mine and "放弃认领" in mine.group(0) and "退回" not in mine.group(0)
    released = intake.post(f"/tasks/{task_id}/release")
    assert released.status_code == 302
    after = intake.get("/inbox").get_data(as_text=True)
    assert "已放弃认领，任务回到本组待认领。" in after and "退回" not in after


def test_only_those_who_may_start_something_are_offered_to_start_a_case(app: Flask, deployed: EngineContext) -> None:
    def nav(who: str) -> str:
        page = new_browser(app, who).get("/notifications").get_data(as_text=True)
        found = re.search(r"<nav.*?</nav>", page, re.S)
        assert found, page
        return found.group(0)

    assert "发起案件" in nav("applicant") and 'href="/start"' in nav("applicant")
    for who in ("owner", "admin"):
        assert "发起案件" not in nav(who), who


def test_every_page_has_an_icon_and_the_old_address_finds_it(app: Flask, deployed: EngineContext) -> None:
    page = new_browser(app, "intake").get("/inbox").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    client = app.test_client()
    old = client.get("/favicon.ico")
    assert old.status_code == 301 and old.headers["Location"].endswith("/static/favicon.svg")
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_a_closed_case_shows_no_empty_repair_card(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    running = apply(via)
    closed = file(via, major_matter=False, risk_likelihood=None, risk_impact=None, risk_mitigation=None)
    closed.do("orgdept", "review_filing", {"filing_review": "decline", "review_opinion": "无需备案。",
                                           "risk_override": None, "risk_override_reason": None})
    supervisor = new_browser(app, "supervisor")
    assert 'data-testid="repair"' in supervisor.get(f"/cases/{running.case_id}").get_data(as_text=True)
    assert 'data-testid="repair"' not in supervisor.get(f"/cases/{closed.case_id}").get_data(as_text=True)


def test_the_case_list_shows_the_unit_the_current_step_and_its_due_date(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    run = apply(via)
    due = run.task("acceptance_review").due_at
    assert due is not None
    page = new_browser(app, "intake").get("/cases").get_data(as_text=True)
    row = re.search(rf'<tr[^>]*><td><a href="/cases/{run.case_id}">.*?</tr>', page, re.S)
    assert row, page
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))
    local = due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert "示例区发展和改革局" in words and "受理审查" in words
    assert local.date().isoformat() in words, words


def test_owners_and_administrators_land_on_their_own_page(app: Flask, deployed: EngineContext) -> None:
    for who, page in (("owner", "/library"), ("admin", "/admin/calendar"), ("intake", "/inbox")):
        visitor = new_browser(app, who)
        assert visitor.get("/").headers["Location"].endswith(page), who


def test_the_start_menu_names_each_way_of_starting_by_its_own_form(app: Flask, deployed: EngineContext) -> None:
    def offers(who: str) -> dict[str, str]:
        page = new_browser(app, who).get("/start").get_data(as_text=True)
        return {key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
                for key, body in re.findall(r'<li data-entry="([a-z_]+)">(.*?)</li>', page, re.S)}

    applicant, accountability = offers("applicant"), offers("accountability")
    assert applicant["application"].startswith("容错免责申请") and "由干部所在党组织填写" in applicant["application"]
    assert applicant["filing"].startswith("事前备案申请")
    assert accountability["pre_check"].startswith("容错前置程序") and "application" not in accountability


def test_a_refused_long_form_lists_its_problems_at_the_top_linking_each_field(app: Flask, deployed: EngineContext) -> None:
    applicant = new_browser(app, "applicant")
    applicant.get("/start/rcjc_case/application")
    refused = applicant.post("/start/rcjc_case/application", {"cadre_name": "张明", "loss_amount": "-5"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, page
    links = re.findall(r'<a href="#field-([a-z_]+)">([^<]+)</a>', summary.group(0))
    keys = [key for key, _label in links]
    assert "matter" in keys and "loss_amount" in keys and "cadre_name" not in keys
    assert keys.index("matter") < keys.index("loss_amount")  # in the form's order
    assert ("matter", "事项名称") in links and all(f'id="field-{key}"' in page for key in keys)
    assert 'value="张明"' in page  # what was typed stays


def test_the_votes_say_whose_they_are_and_who_has_not_voted(app: Flask, deployed: EngineContext,
                                                            people: dict[str, Actor]) -> None:
    via = ServiceTransport(deployed, people)
    run = apply(via)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree"})
    with deployed.sessions() as session:
        labels = users.person_labels(session, ALL_MEMBERS)
    page = new_browser(app, "supervisor").get(f"/cases/{run.case_id}").get_data(as_text=True)
    holders = re.search(r'<ul class="holders">.*?</ul>', page, re.S)
    assert holders, page
    waiting = dict(re.findall(r'<span data-candidate="([a-z0-9]+)">([^<]+)</span>', holders.group(0)))
    assert waiting == {m: f"待 {labels[m]} 办理" for m in ("committee2", "committee3")}
