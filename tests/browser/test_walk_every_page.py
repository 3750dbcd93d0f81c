"""Every page, as every demo user, in Chromium: on a database with cases at each stage (in acceptance, in
investigation, at the ruling vote, closed with a ruling), a prior filing, a warning sign and a typical case, each demo
user walks the pages the navigation offers and those they link to (inbox, tasks, cases, filters, notifications,
settings, lists, editors, administration). No page may log a console error, show an English message of the catalog
untranslated, or show a raw code (outcome, event, group, status, form key). The committee's three vote rows are saved
as docs/screenshots/votes.png."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.access import users
from engine.access.demo_users import DEMO_PASSWORD, DEMO_USERS, add_demo_users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library, versions
from engine.persistence.uow import UnitOfWork
from tests.support.browser_ui import VIEWPORT, screenshot_of, watch_console
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, CaseRun, apply, close_exempt_without_appeal, to_ruling_meeting
from tests.support.filings import REVIEW_ACCEPT, file, filing
from tests.support.transports import ServiceTransport
from tests.support.walk import Walk, message_ids, phrase_pattern, raw_codes, sign_in_as

MEMBER_NAMES = {login: display for login, _, _, display, _ in DEMO_USERS if login in ALL_MEMBERS}


@pytest.fixture
def people(ctx: EngineContext) -> dict[str, Actor]:
    """The demo users, as `rcjc init --demo` adds them (names, units, positions), and a second intake officer who
    reviews the typical case's anonymisation."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        add_demo_users(uow.session, uow.now)
        users.create_user(uow.session, "intake2", "Harbor-Lantern-5521", ["intake"], uow.now, "区纪委监委", "钱进")
        uow.commit()
    with ctx.sessions() as session:
        return {name: users.actor_for(session, name) for name, *_ in DEMO_USERS + [("intake2",)]}


@dataclass
class Seeded:
    """The cases of the walk, by stage, and the draft the process owner edits."""

    in_acceptance: int
    investigating: int
    voting: int
    closed: int
    filing: int
    typical: int
    draft: int


def seed(ctx: EngineContext, people: dict[str, Actor]) -> Seeded:
    """A closed case ruled EXEMPT (rectified), published as a typical case; a second application for the same cadre
    (a repeated tolerance sign); a case in investigation, held by the investigator; one at the ruling vote; a prior
    filing registered; a draft of the procedure."""
    via = ServiceTransport(ctx, people)
    closed = apply(via)
    close_exempt_without_appeal(closed, rectification=True)
    proposal = CaseRun(via, via.start("intake", "rcjc_typical_case", "proposal",
                                      {"source_case_id": closed.case_id, "proposal_reason": "具有普遍指导意义"}))
    draft = proposal.data()
    proposal.do("intake", "edit_typical_case", {"typical_title": draft["typical_title"], "typical_text": draft["typical_text"],
                                               "typical_guidance": "改革探索中经集体决策、及时纠偏的无意过失，依规容错免责。"})
    proposal.do("intake2", "review_anonymity", {"review_result": "approve", "review_note": "已核对，无可识别信息"})
    proposal.do("chair", "approve_typical_case", {"approval": "publish", "approval_note": "同意发布"})
    again = apply(via, matter="农村道路建设项目提前开工")
    investigating = apply(via, cadre_name="李伟", cadre_position="科长", matter="老旧小区改造容缺开工")
    investigating.accept()
    investigating.triage("ordinary")
    via.claim("investigator", investigating.task("investigation").id)
    voting = apply(via, cadre_name="赵刚", cadre_position="副主任", matter="政务服务“一网通办”先行试点")
    to_ruling_meeting(voting, LOOKS_EXEMPT, "EXEMPT")
    voting.convene(ALL_MEMBERS)
    filed = file(via)
    filed.do("orgdept", "review_filing", REVIEW_ACCEPT)
    newest = versions.library(ctx, people["owner"])[0].versions[0].deployment_id
    draft_id = process_library.create_draft(ctx, people["owner"], "修订流程", from_deployment=newest)[0]
    return Seeded(again.case_id, investigating.case_id, voting.case_id, closed.case_id, filing(via, filed).id,
                  proposal.case_id, draft_id)


COMMON = ["/inbox", "/cases", "/cases?status=running", "/notifications", "/notifications/settings", "/password",
          "/typical-cases"]


def must_visit(seeded: Seeded) -> dict[str, list[str]]:
    """Pages each person must have reached (beyond the common ones): the walk discovers the rest."""
    draft = f"/library/drafts/{seeded.draft}"
    return {
        "applicant": ["/start", f"/cases/{seeded.closed}", f"/cases/{seeded.in_acceptance}", "/filings"],
        "intake": [f"/cases/{seeded.in_acceptance}", f"/cases/{seeded.voting}", f"/cases/{seeded.closed}"],
        "investigator": [f"/cases/{seeded.investigating}"],
        "chair": [f"/cases/{seeded.voting}"],
        "committee1": [f"/cases/{seeded.voting}"],
        "supervisor": ["/dashboard", "/register", "/warnings", "/statistics", "/library", f"/cases/{seeded.closed}"],
        "orgdept": ["/register", "/filings", f"/filings/{seeded.filing}"],
        "owner": ["/library", draft, f"{draft}/model/rcjc_case.bpmn", f"{draft}/form/acceptance_review.json",
                  f"{draft}/table/six_looks.dmn"],
        "admin": ["/admin/calendar", "/admin/users", "/admin/units", "/admin/users/new"],
    }


def test_every_demo_user_walks_every_page_without_errors_untranslated_messages_or_raw_codes(
        deployed: EngineContext, people: dict[str, Actor], browser: Browser, base_url: str) -> None:
    seeded = seed(deployed, people)
    untranslated, codes = phrase_pattern(message_ids()), phrase_pattern(raw_codes())
    required = must_visit(seeded)
    reports: list[str] = []
    for login, *_ in DEMO_USERS:
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        walk = Walk(page, login, untranslated, codes)
        sign_in_as(page, login, DEMO_PASSWORD)
        walk.walk(COMMON + required.get(login, []))
        context.close()
        missing = [url for url in COMMON + required.get(login, []) if url not in walk.visited]
        assert not missing, f"{login} did not reach {missing}"
        if walk.found:
            reports.append(walk.report())
        if login in ALL_MEMBERS:
            assert any(url.startswith("/tasks/") for url in walk.visited), f"{login} reached no vote task: {walk.visited}"

    # In English, the supervisor (who reads the most pages) meets no console error and no raw code either.
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="en-US")
    context.add_cookies([{"name": "lang", "value": "en", "url": base_url}])
    page = context.new_page()
    walk = Walk(page, "supervisor (English)", None, phrase_pattern(raw_codes(english=True)))
    sign_in_as(page, "supervisor", DEMO_PASSWORD)
    expect(page.locator("header nav")).to_contain_text("My inbox")
    walk.walk(COMMON + required["supervisor"])
    context.close()
    assert "/dashboard" in walk.visited and "/statistics" in walk.visited
    if walk.found:
        reports.append(walk.report())
    assert not reports, "\n\n".join(reports)


def test_the_three_vote_rows_name_each_member_and_the_vote_state(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    via = ServiceTransport(deployed, people)
    voting = apply(via, cadre_name="赵刚", cadre_position="副主任", matter="政务服务“一网通办”先行试点")
    to_ruling_meeting(voting, LOOKS_EXEMPT, "EXEMPT")
    voting.convene(ALL_MEMBERS)
    errors = watch_console(page)

    # The case page says whose each vote is and that it is still to be cast: three rows, three members.
    sign_in_as(page, "chair", DEMO_PASSWORD)
    page.goto(f"/cases/{voting.case_id}")
    holders = page.locator("main ul.holders")
    rows = holders.locator("li")
    expect(rows).to_have_count(3)
    texts = rows.all_inner_texts()
    for name in MEMBER_NAMES.values():
        row = f"裁定表决 — 裁定委员会委员, 待 {name}（区容错免责裁定委员会 委员） 办理"
        assert sum(t.startswith(row) for t in texts) == 1, texts
    assert not any("待认领" in t for t in texts), texts
    screenshot_of(holders.locator("xpath=.."), "votes")

    # Each member finds their own vote in the inbox, and nobody else's.
    sign_in_as(page, "committee2", DEMO_PASSWORD)
    mine = voting.task("cast_vote", "committee2").id
    expect(page.locator("main tr[data-task]", has_text="裁定表决")).to_have_count(1)
    expect(page.locator(f'main tr[data-task="{mine}"]')).to_contain_text("裁定表决")
    assert errors == []
