"""The case file on the case page: every value with its form label, choices in words, dates written out, who
acted by name — and only what the reader may see."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import User
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.pages import new_browser
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport


def case_file_text(html: str) -> str:
    # The case file ends where its last step's section and its own close together.
    found = re.search(r'data-testid="case-file">(.*?</section>)\s*</section>', html, re.S)
    assert found, "no case file on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def ruled_case(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> CaseRun:
    with deployed.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "intake").values(display_name="赵敏", position="信访室干部"))
        session.execute(update(User).where(User.username == "committee1").values(display_name="张立", position="委员"))
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    for member in ALL_MEMBERS:
        run.do(member, "cast_vote", {"vote": "agree", "vote_comment": "同意免责"}, per_person=True)
    return run


def test_the_case_file_shows_values_by_their_labels(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = ruled_case(app, deployed, people)
    html = new_browser(app, "applicant").get(f"/cases/{run.case_id}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S)
    assert timeline and "赵敏（信访室干部）" in timeline.group(1) and "intake" not in timeline.group(1)
    # Codes never reach the page: the process by its name, the audit trail's events in words.
    assert "rcjc_case" not in html and "task_completed" not in html and "case_started" not in html
    assert "容错纠错" in html and "办理完成" in html
    text = case_file_text(html)
    assert "干部姓名 张明" in text and "损失金额（元） 12000" in text
    assert "援引的容错情形 先行先试、改革试点" in text and "所属领域（容错情形清单） 招商引资" in text
    assert "事项发生日期 2025年11月3日" in text
    assert "属于本机关干部管理权限 是" in text and "赵敏" in text  # who accepted, by name
    for code in ("pilot_reform", "investment_promotion", "public_unintentional", "2025-11-03"):
        assert code not in text
    # The committee's deliberation is not the applicant's to read, in the case file either.
    assert "同意免责" not in text and "表决意见" not in text


def test_committee_members_read_the_votes_and_other_units_nothing(app: Flask, deployed: EngineContext,
                                                                   people: dict[str, Actor]) -> None:
    run = ruled_case(app, deployed, people)
    text = case_file_text(new_browser(app, "chair").get(f"/cases/{run.case_id}").get_data(as_text=True))
    assert "表决意见 同意" in text and "同意免责" in text
    other = new_browser(app, "other_applicant").get(f"/cases/{run.case_id}")
    assert other.status_code in (403, 404) and "张明" not in other.get_data(as_text=True)


def test_the_english_page_writes_dates_in_english(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    run = ruled_case(app, deployed, people)
    reader = new_browser(app, "chair")
    reader.client.set_cookie("lang", "en", domain="localhost")
    text = case_file_text(reader.get(f"/cases/{run.case_id}").get_data(as_text=True))
    assert "November 3, 2025" in text and "2025年11月3日" not in text


def test_the_task_page_summarises_the_application_with_its_labels(app: Flask, deployed: EngineContext,
                                                                   people: dict[str, Actor]) -> None:
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    html = new_browser(app, "intake").get(f"/tasks/{run.task('acceptance_review').id}").get_data(as_text=True)
    summary = re.search(r'data-testid="case-summary">(.*?)</dl>', html, re.S)
    assert summary, "no case summary"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary.group(1)))
    # Intake reads the evidence list, the loss and the claimed circumstance before accepting.
    assert "证据材料清单 党组会议纪要；试点方案；整改报告" in text
    assert "损失金额（元） 12000" in text and "援引的容错情形 先行先试、改革试点" in text


def test_the_dashboard_names_people_where_it_lists_and_reassigns(app: Flask, deployed: EngineContext,
                                                                  people: dict[str, Actor], clock: object) -> None:
    with deployed.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "intake").values(display_name="赵敏", position="信访室干部"))
        session.execute(update(User).where(User.username == "committee1").values(display_name="张立", position="委员"))
    via = HttpTransport(deployed, people, app.test_client(), PASSWORD)
    run = apply(via)
    via.claim("intake", run.task("acceptance_review").id)
    clock.advance(timedelta(days=30))  # type: ignore[attr-defined]  # the acceptance is overdue
    html = new_browser(app, "supervisor").get("/dashboard").get_data(as_text=True)
    assert "<td>赵敏（信访室干部）</td>" in html
    assert '<option value="committee1">张立（委员）</option>' in html and ">committee1<" not in html


def test_the_chair_picks_attendees_by_name(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    with deployed.sessions() as session, session.begin():
        session.execute(update(User).where(User.username == "committee1").values(display_name="张立", position="委员"))
    run = apply(HttpTransport(deployed, people, app.test_client(), PASSWORD))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    html = new_browser(app, "chair").get(f"/tasks/{run.task('convene_meeting').id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="attendees"[^>]*value="committee1"[^>]*id="([^"]+)"', html) or re.search(
        r'<input[^>]*id="([^"]+)"[^>]*name="attendees"[^>]*value="committee1"', html)
    assert box, "no attendee box for committee1"
    assert re.search(rf'<label[^>]*for="{box.group(1)}"[^>]*>张立（委员）</label>', html)
