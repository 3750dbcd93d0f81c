"""The annual report: for a year and a scope, a DOCX and a PDF with the year's figures in words, charts as images,
and the warning signs with how they were handled; for the district's readers only."""

from __future__ import annotations

import io
import re

from docx import Document
from flask import Flask
from pypdf import PdfReader

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.models import TypicalCase
from engine.persistence.uow import UnitOfWork
from engine.reading.warnings import acknowledge, list_signs
from tests.support.documents import ruled
from tests.support.driver import apply
from tests.support.pages import new_browser
from tests.support.transports import ServiceTransport


def seed(deployed: EngineContext, people: dict[str, Actor]) -> None:
    """Two rulings for the same cadre (the second flagged as repeated, and the sign handled) and a refusal of another
    cadre of the same unit (the unit's repeat is flagged too)."""
    via = ServiceTransport(deployed, people)
    ruled(via)
    ruled(via, matter="农村道路建设项目提前开工")
    refused = apply(via, cadre_name="赵六")
    refused.do("intake", "acceptance_review", {"jurisdiction_ok": False, "materials_complete": True,
                                               "acceptance": "refuse", "acceptance_reason": "不属于本机关干部管理权限"})
    with deployed.sessions() as session:
        signs, _total = list_signs(session, people["supervisor"])
    repeated = next(s for s in signs if s.kind == "repeated_tolerance")
    acknowledge(deployed, people["supervisor"], repeated.id, "已提醒调查组核实，系不同事项")
    # Two typical cases from the first ruling: one in the library, one taken out (its process is tested elsewhere).
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        for title, taken_out in (("招商引资领域容错免责案例：先行先试", None), ("已撤回的案例", uow.now)):
            uow.session.add(TypicalCase(source_case_id=1, process_case_id=1, title=title, text="【基本案情】……",
                                        guidance=f"{title}的典型意义。", domain="investment_promotion",
                                        published_at=uow.now, unpublished_at=taken_out))
        uow.commit()


def test_the_report_holds_the_years_figures_charts_and_signs(app: Flask, deployed: EngineContext,
                                                            people: dict[str, Actor]) -> None:
    seed(deployed, people)
    orgdept = new_browser(app, "orgdept")
    assert 'data-testid="annual-report"' in orgdept.get("/statistics").get_data(as_text=True)
    response = orgdept.get("/statistics/annual-report.docx?year=2026")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年度容错纠错工作情况报告" in text and "（范围：全区）" in text
    assert "2026年共受理容错纠错申请及容错前置审查3件，已办结1件，尚在办理2件。" in text
    assert "全年作出裁定2件，其中容错免责2件、从轻或减轻处理0件、不予容错0件，容错率100.0%。" in text
    assert "全年发现预警3条，已处理1条。" in text and "已提醒调查组核实，系不同事项" in text
    assert "四、典型案例" in text and "（1）招商引资领域容错免责案例：先行先试" in text and "已撤回的案例" not in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["重复容错", "2", "1"] in cells and ["主体不适用", "1", "0"] in cells
    assert ["招商引资", "2", "2", "0", "0", "100.0"] in cells
    assert len(doc.inline_shapes) >= 3  # charts as images
    assert "EXEMPT" not in text and "repeated_tolerance" not in str(cells)
    pdf = orgdept.get("/statistics/annual-report.pdf?year=2026&domain=investment_promotion")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    printed = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    assert "2026年度容错纠错工作情况报告" in printed and "（范围：招商引资）" in printed and "容错率100.0%" in printed
    assert "先行先试的典型意义" in printed
    assert sum(len(p.images) for p in reader.pages) >= 3


def test_only_the_districts_readers_get_it_and_a_bad_year_is_said(app: Flask, deployed: EngineContext) -> None:
    for who in ("applicant", "investigator"):
        assert new_browser(app, who).get("/statistics/annual-report.docx?year=2026").status_code == 403
    supervisor = new_browser(app, "supervisor")
    for year in ("1999", "2999", "abc"):
        assert supervisor.get(f"/statistics/annual-report.pdf?year={year}").status_code == 400
    assert supervisor.get("/statistics/annual-report.txt").status_code == 404
    empty = Document(io.BytesIO(supervisor.get("/statistics/annual-report.docx?year=2025").data))
    assert "本年度未发布典型案例。" in "\n".join(p.text for p in empty.paragraphs)
    assert 'data-testid="annual-report"' not in new_browser(app, "applicant").get("/statistics").get_data(as_text=True)


def test_the_report_is_chinese_for_a_reader_of_the_english_ui_whose_pages_stay_english(
        app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    seed(deployed, people)
    english = new_browser(app, "orgdept")
    english.client.set_cookie("lang", "en", domain="localhost")
    chinese = new_browser(app, "supervisor")
    assert "<h1>Statistics</h1>" in english.get("/statistics").get_data(as_text=True)
    assert "<h1>统计分析</h1>" in chinese.get("/statistics").get_data(as_text=True)
    doc = Document(io.BytesIO(english.get("/statistics/annual-report.docx?year=2026").data))
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["重复容错", "2", "1"] in cells and ["招商引资", "2", "2", "0", "0", "100.0"] in cells
    # The report's Chinese stays in the report: the pages around it keep each reader's language.
    assert "<h1>Statistics</h1>" in english.get("/statistics").get_data(as_text=True)
    assert "<h1>统计分析</h1>" in chinese.get("/statistics").get_data(as_text=True)
