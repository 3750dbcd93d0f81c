"""The typical case library in Chromium: a closed case is proposed, anonymised, reviewed by a second intake officer,
approved and published (through the engine); an ordinary user opens the library from the navigation, finds it by a
word of its title and reads it with its people, units and amounts replaced and what it teaches; the chair takes it
out (a missing reason is said) and it leaves the library. No console errors. Saved, full page, as
docs/screenshots/typical-cases.png (the library) and docs/screenshots/typical-case.png (the case)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine.access import users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.uow import UnitOfWork
from tests.support.browser_ui import screenshot, sign_in, take_refusal_report, watch_console
from tests.support.driver import APPLICATION, CaseRun, apply, close_exempt_without_appeal
from tests.support.people import PASSWORD
from tests.support.transports import ServiceTransport

# The source case and the guidance, as in tests/e2e/test_typical_cases.py.
SOURCE = {**APPLICATION, "cadre_id_number": "11010519491231002X",
          "facts": "张明在示例区幸福村推进招商项目，经示例区发展和改革局党组集体研究先行试点，造成12000元资金延期拨付。"}
GUIDANCE = "改革探索中经集体决策、及时纠偏的无意过失，依规容错免责。"
SECRETS = ("张明", "示例区发展和改革局", "11010519491231002X", "12000", "12,000", "示例区", "幸福村")
REASON = "所依据的规定已修订"


def publish(deployed: EngineContext, people: dict[str, Actor]) -> str:
    """A closed case published as a typical case, as in
    tests/e2e/test_typical_cases.py::test_a_closed_case_is_drafted_anonymised_reviewed_approved_and_published
    (a second intake officer reviews what the first edited); its title."""
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        users.create_user(uow.session, "intake2", PASSWORD, ["intake"], uow.now, None)
        uow.commit()
    with deployed.sessions() as session:
        people["intake2"] = users.actor_for(session, "intake2")
    via = ServiceTransport(deployed, people)
    source = apply(via, **SOURCE)
    close_exempt_without_appeal(source)
    assert source.case().status == "completed"
    run = CaseRun(via, via.start("intake", "rcjc_typical_case", "proposal",
                                 {"source_case_id": source.case_id, "proposal_reason": "具有普遍指导意义"}))
    draft = run.data()
    assert "张明" not in draft["typical_text"] and "某干部" in draft["typical_text"]
    # The editor puts a name back: the check sends the text back; then the anonymised draft goes on.
    leaky = draft["typical_text"] + "\n张明同志对此负有领导责任，涉及资金12000元。"
    run.do("intake", "edit_typical_case", {"typical_title": draft["typical_title"], "typical_text": leaky,
                                          "typical_guidance": GUIDANCE})
    assert run.open_ids() == ["edit_typical_case"]
    run.do("intake", "edit_typical_case", {"typical_title": draft["typical_title"], "typical_text": draft["typical_text"],
                                          "typical_guidance": GUIDANCE})
    run.do("intake2", "review_anonymity", {"review_result": "approve", "review_note": "已核对，无可识别信息"})
    run.do("chair", "approve_typical_case", {"approval": "publish", "approval_note": "同意发布"})
    assert (run.case().status, run.case().closure) == ("completed", "published")
    return str(draft["typical_title"])








def test_a_reader_finds_and_reads_a_published_case_and_the_chair_takes_it_out(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    title = publish(deployed, people)
    assert "招商" in title
    errors = watch_console(page)

    # An ordinary user opens the library from the navigation and finds the case by a word of its title.
    sign_in(page, "applicant")
    nav = page.locator("header nav")
    with page.expect_navigation():
        nav.get_by_role("link", name="典型案例", exact=True).click()
    expect(page).to_have_url(re.compile(r"/typical-cases$"))
    expect(nav.locator('a[aria-current="page"]')).to_have_text("典型案例")
    expect(page.locator("main h1")).to_have_text("典型案例")
    form = page.locator("form[data-testid=library-search]")
    expect(form.locator("input[name=withdrawn]")).to_have_count(0)
    form.locator("input[name=q]").fill("招商")
    button = form.locator("button[type=submit]")
    expect(button).to_have_text("搜索")
    with page.expect_navigation():
        button.click()
    expect(page).to_have_url(re.compile(r"/typical-cases\?(.*&)?q=%E6%8B%9B%E5%95%86(&|$)"))
    expect(form.locator("input[name=q]")).to_have_value("招商")
    library = page.locator("[data-testid=library]")
    expect(library.locator("h2")).to_have_text("共 1 个典型案例")
    items = library.locator("li[data-typical]")
    expect(items).to_have_count(1)
    item = items.first
    typical_id = item.get_attribute("data-typical")
    assert typical_id and typical_id.isdigit()
    link = item.get_by_role("link", name=title, exact=True)
    expect(link).to_have_attribute("href", f"/typical-cases/{typical_id}")
    expect(item.locator(".meta")).to_contain_text("发布")
    expect(item).to_contain_text(GUIDANCE)
    for secret in SECRETS:
        expect(library).not_to_contain_text(secret)
    screenshot(page, "typical-cases", full_page=True)

    # The case reads anonymised, with what it teaches under its own heading.
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(re.compile(f"/typical-cases/{typical_id}$"))
    article = page.locator("article[data-testid=typical-case]")
    expect(article.locator("h1")).to_have_text(title)
    expect(article).to_contain_text("某干部")
    expect(article.locator("h2")).to_have_text("典型意义")
    expect(article.locator("h2 + p")).to_have_text(GUIDANCE)
    text = article.inner_text()
    for secret in SECRETS:
        assert secret not in text, secret
    expect(page.get_by_role("heading", name="撤回典型案例")).to_have_count(0)
    expect(page.locator("textarea[name=reason]")).to_have_count(0)
    screenshot(page, "typical-case", full_page=True)
    assert errors == []

    # The chair takes it out: with no reason the page stays (422) and says so; with one, the case says when and why.
    sign_in(page, "chair")
    page.goto(f"/typical-cases/{typical_id}")
    take_out = page.locator(f'form[action="/typical-cases/{typical_id}/unpublish"]')
    expect(page.get_by_role("heading", name="撤回典型案例")).to_be_visible()
    submit = take_out.locator("button[type=submit]")
    expect(submit).to_have_text("撤回")
    with page.expect_navigation() as refused:
        submit.click()
    assert refused.value is not None and refused.value.status == 422
    expect(page).to_have_url(re.compile(f"/typical-cases/{typical_id}/unpublish$"))
    take_refusal_report(errors, page.url)
    expect(take_out.locator(".field-error")).to_have_text("请填写撤回理由。")
    reason = take_out.locator("textarea[name=reason]")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("article[data-testid=typical-case] .flash")).to_have_count(0)
    reason.fill(REASON)
    with page.expect_navigation() as done:
        take_out.locator("button[type=submit]").click()
    assert done.value is not None and done.value.status == 200
    expect(page).to_have_url(re.compile(f"/typical-cases/{typical_id}$"))
    expect(page.locator("main > .flash.success")).to_have_text("典型案例已撤回，历史记录保留。")
    notice = page.locator("article[data-testid=typical-case] .flash.error")
    expect(notice).to_have_text(re.compile(rf"^已于\d{{4}}-\d{{2}}-\d{{2}}撤回：{REASON}$"))
    expect(take_out).to_have_count(0)
    assert errors == []

    # The ordinary user no longer finds it, by the word or at all.
    sign_in(page, "applicant")
    page.goto("/typical-cases?q=招商")
    library = page.locator("[data-testid=library]")
    expect(library.locator("li[data-typical]")).to_have_count(0)
    expect(library.locator("li.empty")).to_have_text("没有找到典型案例。")
    page.goto("/typical-cases")
    expect(library.locator("h2")).to_have_text("共 0 个典型案例")
    expect(library.locator("li[data-typical]")).to_have_count(0)
    assert errors == []
