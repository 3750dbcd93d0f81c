"""The prior filing a case cites, beside the six looks: the investigator reads it on the investigation task with
its reports and certificate, and opens the filing's own case file; the applicant form refuses a number the unit
cannot cite and keeps what was typed."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.reading.case_list import CaseFilter, list_cases
from tests.support.clock import FrozenClock
from tests.support.driver import APPLICATION, apply
from tests.support.filings import REVIEW_ACCEPT, file, filing, report, until_report_asked
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_investigator_reads_the_cited_filing_beside_the_six_looks(
        app: Flask, deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock) -> None:
    via = ServiceTransport(deployed, people)
    filed = file(via)
    filed.do("orgdept", "review_filing", REVIEW_ACCEPT)
    until_report_asked(via, filed, clock)
    report(via, filed, "on_track", "首月试点按计划推进。")
    filed.do("orgdept", "read_report", {"report_review": "continue", "report_review_note": None})
    number = filing(via, filed).number
    assert number is not None
    today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    run = apply(via, prior_filing_number=number, matter_date=today)
    run.accept()
    run.triage("ordinary")
    investigator = new_browser(app, "investigator")
    page = investigator.get(f"/tasks/{run.task('investigation').id}").get_data(as_text=True)
    panel = re.search(r'<section class="card cited-filing".*?</section>', page, re.S)
    assert panel, page
    words = text_of(panel.group(0))
    assert number in words and "按期报告进展" in words and "首月试点按计划推进。" in words
    assert "事前备案登记证明" in words and "filed_with_reports" not in words and "on_track" not in words
    certificate = re.search(rf'href="(/cases/{filed.case_id}/documents/\d+\.pdf)"', panel.group(0))
    assert certificate, panel.group(0)
    assert investigator.get(certificate.group(1)).data.startswith(b"%PDF")
    assert investigator.get(f"/cases/{filed.case_id}").status_code == 200
    # The investigator's case list holds the filing too, counted with the cases the group worked on.
    with deployed.sessions() as session:
        items, total = list_cases(deployed, session, people["investigator"], CaseFilter(), clock.now(), per_page=100)
    assert {filed.case_id, run.case_id} <= {item.id for item in items} and total == len(items)
    # The case page shows it too; a unit that is not the case's sees neither the case nor the filing.
    assert 'data-testid="cited-filing"' in new_browser(app, "intake").get(f"/cases/{run.case_id}").get_data(as_text=True)
    other = new_browser(app, "other_applicant")
    assert other.get(f"/cases/{run.case_id}").status_code == 404
    assert other.get(certificate.group(1)).status_code == 404
    # An investigator's case that cites nothing shows no panel.
    plain = apply(via, matter="农村道路建设项目提前开工")
    plain.accept()
    plain.triage("ordinary")
    assert 'data-testid="cited-filing"' not in investigator.get(f"/tasks/{plain.task('investigation').id}").get_data(as_text=True)


def test_a_number_the_unit_cannot_cite_is_refused_on_the_form_and_the_input_stays(
        app: Flask, deployed: EngineContext) -> None:
    applicant = new_browser(app, "applicant")
    assert "事前备案编号（选填）" in applicant.get("/start/rcjc_case/application").get_data(as_text=True)
    form = {**{k: str(v) for k, v in APPLICATION.items()}, "prior_filing_number": "X事前备〔2026〕7号"}
    refused = applicant.post("/start/rcjc_case/application", form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400, page
    assert "本单位没有编号为“X事前备〔2026〕7号”的已登记事前备案" in text_of(page)
    assert 'value="X事前备〔2026〕7号"' in page and APPLICATION["matter"] in page
