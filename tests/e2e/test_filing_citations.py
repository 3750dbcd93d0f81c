"""A tolerance application citing its unit's prior filing (事前备案): the number is checked against the unit's
registered filings, the six looks weigh what the filing proves (`prior_filing`), the investigator reads the filing
with its reports and certificate, and the ruling letter mentions it; another unit can neither cite nor read it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.errors import Forbidden, FormInvalid, NotFound
from engine.persistence.models import Case, FilingCitation
from engine.reading.filings import filings_for_lookup, read_filing
from tests.support.clock import FrozenClock
from tests.support.documents import by_kind, documents, download, texts
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, CaseRun, apply
from tests.support.figures import figures_of
from tests.support.filings import REVIEW_ACCEPT, file, filing, report, until_report_asked
from tests.support.transports import HttpTransport, Transport

# A pilot that broke a clear rule: without a filing it cannot be tolerated.
LOOKS_RULE_BROKEN = {**LOOKS_EXEMPT, "basis": "clear_rule_violated"}


def registered(via: Transport, clock: FrozenClock, reports: int) -> tuple[CaseRun, str]:
    """A registered filing of the applicant's unit with this many on-time reports read; its run and number."""
    run = file(via)
    run.do("orgdept", "review_filing", REVIEW_ACCEPT)
    for n in range(reports):
        until_report_asked(via, run, clock)
        report(via, run, "on_track", f"第{n + 1}次报告：按计划推进。")
        run.do("orgdept", "read_report", {"report_review": "continue", "report_review_note": None})
    number = filing(via, run).number
    assert number is not None
    return run, number


def today(clock: FrozenClock) -> str:
    return clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def cases(via: Transport) -> int:
    with via.ctx.sessions() as session:
        return len(session.scalars(select(Case.id).where(Case.process_id == "rcjc_case")).all())


def refusal(via: Transport, who: str, **changes: Any) -> list[str]:
    """What the application form says about the filing number when `who` files with these changes."""
    before = cases(via)
    with pytest.raises(FormInvalid) as refused:
        CaseRun(via, via.start(who, "rcjc_case", "application", {**APPLICATION, **changes}))
    assert cases(via) == before  # nothing was stored
    return list(refused.value.fields["prior_filing_number"])


def test_a_cited_filing_with_timely_reports_softens_a_broken_rule_and_the_ruling_letter_mentions_it(
        via: Transport, clock: FrozenClock) -> None:
    filed, number = registered(via, clock, reports=1)
    certificate = by_kind(documents(via, "applicant", filed.case_id))["prior_filing_certificate"]
    # Before any case cites it, the investigator cannot read the filing's certificate.
    with pytest.raises(NotFound):
        download(via, "investigator", filed.case_id, certificate["id"], "pdf")
    with pytest.raises(Forbidden):
        read(via, "investigator", filing(via, filed).id)

    run = apply(via, prior_filing_number=f" {number} ", matter_date=today(clock))
    assert (run.data()["prior_filing"], run.data()["prior_filing_number"]) == ("filed_with_reports", number)
    run.accept()
    run.triage("ordinary")
    # The filing holds the record of the collective discussion: the investigator finds it put forward.
    assert run.data()["decision_process"] == "collective_documented"
    assert run.data()["prior_filing"] == "filed_with_reports"
    # The investigator, now working a case that cites it, reads the filing with its reports and its certificate.
    assert download(via, "investigator", filed.case_id, certificate["id"], "pdf").startswith(b"%PDF")
    seen = read(via, "investigator", filing(via, filed).id)
    assert (seen["number"], seen["standing"], len(seen["progress_reports"])) == (number, "filed_with_reports", 1)
    run.investigate(LOOKS_RULE_BROKEN)
    assert run.data()["recommended_outcome"] == "MITIGATE"
    run.propose("MITIGATE")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("MITIGATE", rectification=False)
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    pdf, docx = texts(via, "chair", run.case_id, letter)
    assert f"该决策已事前备案（备案编号：{number}），执行中按期报告进展" in docx
    assert number.replace(" ", "") in pdf and "事前备案" in pdf


def test_a_filing_without_reports_proves_less_and_the_broken_rule_stands(via: Transport, clock: FrozenClock) -> None:
    _filed, number = registered(via, clock, reports=0)
    run = apply(via, prior_filing_number=number, matter_date=today(clock))
    assert run.data()["prior_filing"] == "filed"
    run.accept()
    run.triage("ordinary")
    run.investigate(LOOKS_RULE_BROKEN)
    assert run.data()["recommended_outcome"] == "NOT_TOLERATED"


def test_an_application_without_a_filing_weighs_none(via: Transport) -> None:
    run = apply(via, prior_filing_number="")
    assert run.data()["prior_filing"] == "none"
    run.accept()
    run.triage("ordinary")
    assert run.data()["prior_filing"] == "none"
    with via.ctx.sessions() as session:
        assert session.get(FilingCitation, run.case_id) is None


def test_another_unit_cannot_cite_or_read_the_filing(via: Transport, clock: FrozenClock) -> None:
    filed, number = registered(via, clock, reports=1)
    certificate = by_kind(documents(via, "applicant", filed.case_id))["prior_filing_certificate"]
    # Another unit's number reads as unknown, like a number that does not exist; the input is named.
    other = refusal(via, "other_applicant", prior_filing_number=number, matter_date=today(clock),
                    cadre_unit="示例区住房和城乡建设局")
    unknown = refusal(via, "applicant", prior_filing_number="X事前备〔2026〕99号", matter_date=today(clock))
    assert "本单位没有编号为" in other[0] and number in other[0]
    assert "本单位没有编号为" in unknown[0]
    with pytest.raises(NotFound):
        download(via, "other_applicant", filed.case_id, certificate["id"], "pdf")
    # A filing made after the matter happened is no prior filing.
    late = refusal(via, "applicant", prior_filing_number=number, matter_date="2025-11-03")
    assert "晚于事项发生日期" in late[0]


def test_a_declined_filing_cannot_be_cited(via: Transport, clock: FrozenClock) -> None:
    run = file(via, major_matter=False, risk_likelihood=None, risk_impact=None, risk_mitigation=None)
    run.do("orgdept", "review_filing", {"filing_review": "decline", "review_opinion": "无需备案。",
                                        "risk_override": None, "risk_override_reason": None})
    assert filing(via, run).number is None
    # Its would-be number was never taken: the first number of the year names no filing of the unit.
    assert "本单位没有编号为" in refusal(via, "applicant", prior_filing_number="X事前备〔2026〕1号",
                                      matter_date=today(clock))[0]


def test_the_prior_check_and_the_register_show_the_unit_s_filings(via: Transport, clock: FrozenClock) -> None:
    _filed, number = registered(via, clock, reports=1)
    # The prior-ruling check lists the unit's registered filings, marking those the cadre was responsible for.
    run = apply(via, cadre_name="李华", cadre_position="局长")
    listed = run.data()["unit_prior_filings"]
    assert number in listed and "（该干部负责）" in listed and "进展报告 1 次（迟报 0 次）" in listed
    assert apply(via).data()["unit_prior_filings"].count("（该干部负责）") == 0
    # The register lookup by the cadre's name or the unit finds the filing beside the records.
    for query in ({"name": "李华"}, {"unit": "发展和改革"}):
        found = lookup(via, "orgdept", **query)
        assert [(f["number"], f["standing"]) for f in found] == [(number, "filed_with_reports")]
    assert lookup(via, "orgdept", name="王五") == []


def lookup(via: Transport, who: str, **query: str) -> list[dict[str, Any]]:
    """The filings a register lookup shows `who`."""
    if isinstance(via, HttpTransport):
        return list(via.call(who, "GET", "/register?" + urlencode(query))["filings"])
    with via.ctx.sessions() as session:
        views = filings_for_lookup(via.ctx, session, via.people[who], query.get("name", ""), query.get("unit", ""))
    return [asdict(v) for v in views]


def test_statistics_count_filings_drifts_and_citations(via: Transport, clock: FrozenClock) -> None:
    filed, number = registered(via, clock, reports=1)
    declined = file(via, major_matter=False, risk_likelihood=None, risk_impact=None, risk_mitigation=None)
    declined.do("orgdept", "review_filing", {"filing_review": "decline", "review_opinion": "无需备案。",
                                             "risk_override": None, "risk_override_reason": None})
    until_report_asked(via, filed, clock)
    report(via, filed, "drift", "一个项目补齐材料逾期。", "承诺期限届满仍有两项材料未补齐。")
    apply(via, prior_filing_number=number, matter_date=today(clock))
    year = figures_of(via, "supervisor")["filings_by_year"]
    assert year == {"2026": {"key": "2026", "label": "2026年", "filed": 2, "registered": 1, "declined": 1, "reports": 2,
                             "late_reports": 0, "drifts": 1, "cited": 1}}
    # Narrowed to another unit, or to a domain (filings have none), nothing is counted.
    assert figures_of(via, "supervisor", unit="示例区住房和城乡建设局")["filings_by_year"] == {}
    assert figures_of(via, "supervisor", domain="investment_promotion")["filings_by_year"] == {}
    # The unit reads its own filings' figures.
    assert figures_of(via, "applicant")["filings_by_year"]["2026"]["filed"] == 2


def read(via: Transport, who: str, filing_id: int) -> dict[str, Any]:
    """One filing as `who` reads it (raises Forbidden or NotFound as the services do)."""
    if isinstance(via, HttpTransport):
        response = via.http.get(f"/api/v1/filings/{filing_id}", headers={"Authorization": f"Bearer {via._token(who)}"})
        if response.status_code == 403:
            raise Forbidden(response.get_json()["error"]["message"])
        assert response.status_code == 200, response.get_data(as_text=True)
        return dict(response.get_json())
    with via.ctx.sessions() as session:
        return asdict(read_filing(via.ctx, session, via.people[who], filing_id))
