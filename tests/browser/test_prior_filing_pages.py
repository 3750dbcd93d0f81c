"""The prior filing (事前备案) in Chromium: the process owner opens the shipped rcjc_prior_filing process in the
modeler and reads its steps in Chinese; a unit files a decision through the start page, the organization
department finds it on the filings page with its status in words and opens it, and another unit does not see it.
Saved, full page, as docs/screenshots/prior-filing-modeler.png and docs/screenshots/filings.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.library import process_library, versions
from engine.persistence.models import PriorFiling
from tests.support.browser_ui import BrowserTransport, screenshot, sign_in, watch_console
from tests.support.driver import CaseRun
from tests.support.filings import FILING, REVIEW_ACCEPT
from tests.support.transports import ServiceTransport

PROCESS = "rcjc_prior_filing"
# Steps of processes/rcjc_prior_filing.bpmn, by id, with the names the diagram shows.
STEPS = {"start_prior_filing": "提交事前备案", "review_filing": "审核备案", "supplement_filing": "补充备案材料",
         "rate_risk": "重大事件风险评估", "register_filing": "登记编号"}
LANES = {"Lane_applicant_org": "applicant_org", "Lane_org_dept": "org_dept"}
# The words the filings pages show for a filing's status (zh-CN).
UNDER_REVIEW, REGISTERED = "审核中", "已登记"


def drawn_text(page: Page, element_id: str) -> str:
    """The label text the diagram draws for an element, inside its shape or beside it (events), whitespace dropped."""
    drawn = page.locator(f'#modeler .djs-element[data-element-id="{element_id}"], '
                         f'#modeler .djs-element[data-element-id="{element_id}_label"]')
    texts = drawn.locator("text").all_text_contents()
    return re.sub(r"\s+", "", "".join(texts))


def open_in_modeler(deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    """The process owner takes the deployed procedure into a draft and opens the prior filing's BPMN in the modeler."""
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "事前备案流程", from_deployment=newest)
    sign_in(page, "owner")
    page.goto(f"/library/drafts/{draft_id}/model/{PROCESS}.bpmn")
    expect(page.locator('#modeler[data-rendered="true"]')).to_have_count(1)


def test_the_process_owner_reads_the_prior_filing_process_in_the_modeler(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    errors = watch_console(page)
    open_in_modeler(deployed, people, page)
    labels = page.locator(".djs-palette [aria-label]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert "创建任务" in labels, labels  # the modeler speaks Chinese

    # The steps a user knows by name are drawn, and visibly so; so are both lanes.
    for element_id, name in STEPS.items():
        expect(page.locator(f'#modeler .djs-element[data-element-id="{element_id}"]').first).to_be_visible()
        assert drawn_text(page, element_id) == name, (element_id, drawn_text(page, element_id))
    for lane_id in LANES:
        expect(page.locator(f'#modeler .djs-element[data-element-id="{lane_id}"]').first).to_be_visible()
    # Nothing keeps the shipped process from deploying.
    expect(page.locator("[data-testid=modeler-problems] li")).to_have_count(0)
    screenshot(page, "prior-filing-modeler", full_page=True)
    assert errors == []


def test_a_unit_files_and_the_organization_department_finds_it_on_the_filings_page(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    errors = watch_console(page)
    # The unit's member fills the filing form on the start page.
    via = BrowserTransport(deployed, people, page)
    case_id = via.start("applicant", PROCESS, "filing", FILING)
    with deployed.sessions() as session:
        filing_id = session.scalar(select(PriorFiling.id).where(PriorFiling.case_id == case_id))
    assert filing_id is not None

    sign_in(page, "orgdept")
    nav = page.locator("header nav a", has_text="事前备案")
    expect(nav).to_have_attribute("href", "/filings")
    with page.expect_navigation():
        nav.click()
    expect(page.locator("main h1")).to_have_text("事前备案")
    listing = page.locator("[data-testid=filings]")
    expect(listing.locator("h2")).to_contain_text("1")
    row = listing.locator(f'tr[data-filing="{filing_id}"]')
    expect(row).to_have_count(1)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("—")  # no number before it is registered
    expect(cells.nth(1)).to_contain_text("容缺受理")
    expect(cells.nth(2)).to_have_text(str(people["applicant"].unit))
    expect(cells.nth(3)).to_have_text(f"{FILING['cadre_position']}{FILING['cadre_name']}")
    expect(cells.nth(4)).to_have_text(UNDER_REVIEW)
    expect(row).not_to_contain_text("filed")

    with page.expect_navigation():
        row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/filings/{filing_id}$"))
    facts = page.locator("[data-testid=filing]")
    expect(facts).to_contain_text(FILING["matter"])
    expect(facts).to_contain_text(UNDER_REVIEW)
    expect(facts.get_by_role("link")).to_have_attribute("href", f"/cases/{case_id}")
    expect(page.locator("[data-testid=progress-reports] tbody tr")).to_have_count(1)

    # Registered by the reviewer: the list shows the number and the new status.
    CaseRun(ServiceTransport(deployed, people), case_id).do("orgdept", "review_filing", REVIEW_ACCEPT)
    with deployed.sessions() as session:
        number = session.scalar(select(PriorFiling.number).where(PriorFiling.id == filing_id))
    assert number
    page.goto("/filings")
    row = page.locator(f'[data-testid=filings] tr[data-filing="{filing_id}"]')
    expect(row.locator("td").nth(0)).to_have_text(number)
    expect(row.locator("td").nth(4)).to_have_text(REGISTERED)
    screenshot(page, "filings", full_page=True)

    # A member of another unit sees none of it, in the list or by its address.
    sign_in(page, "other_applicant")
    page.goto("/filings")
    expect(page.locator("[data-testid=filings] tbody tr[data-filing]")).to_have_count(0)
    expect(page.locator("[data-testid=filings]")).not_to_contain_text(FILING["matter"])
    assert page.request.get(f"/filings/{filing_id}").status == 404
    assert errors == []

