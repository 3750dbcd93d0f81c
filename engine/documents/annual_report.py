"""The annual report (一报告两评议 material): the year's figures with charts, the warning signs and how they were
handled, as PDF and DOCX in the documents' layout (A4, Noto CJK for 仿宋 and 小标宋)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html import escape
from typing import Any

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from engine.documents.docx_render import BODY_FONT, styled

STYLE = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; @bottom-center { content: "— " counter(page) " —"; font-size: 12pt; } }
body { font-family: "Noto Serif CJK SC", serif; font-size: 14pt; line-height: 24pt; }
h1 { font-size: 22pt; line-height: 32pt; text-align: center; margin: 0 0 6pt; }
p.scope { text-align: center; margin: 0 0 18pt; }
h2 { font-size: 16pt; margin: 18pt 0 6pt; }
h3 { font-size: 14pt; margin: 12pt 0 4pt; }
p { text-indent: 2em; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; line-height: 15pt; margin: 4pt 0 10pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { width: 100%; }
p.closing { text-align: right; text-indent: 0; }
"""


@dataclass(frozen=True)
class ReportTable:
    """A table of the report with its chart, if it has one."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    chart: bytes | None = None


@dataclass(frozen=True)
class AnnualReport:
    """What the report says, already in words."""

    title: str
    scope: str
    overview: list[str]
    tables: list[ReportTable]
    signs: ReportTable
    sign_notes: list[str]
    # The typical cases published in the year: (title, guidance).
    typical: list[tuple[str, str]]
    issuing_body: str
    date_written: str
    sections: dict[str, str] = field(default_factory=lambda: {
        "overview": "一、总体情况", "figures": "二、主要数据", "signs": "三、预警及处理情况", "typical": "四、典型案例"})


def typical_paragraphs(report: AnnualReport) -> list[tuple[str, str]]:
    """The typical-case section as (heading, text) pairs; a sentence saying there were none otherwise."""
    if not report.typical:
        return [("", "本年度未发布典型案例。")]
    return [(f"（{i}）{title}", guidance) for i, (title, guidance) in enumerate(report.typical, start=1)]


def _table_html(t: ReportTable) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in t.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in t.rows)
    chart = (f'<img alt="{escape(t.title)}" src="data:image/png;base64,{base64.b64encode(t.chart).decode()}">'
             if t.chart else "")
    return f"<h3>{escape(t.title)}</h3>{chart}<table><tr>{head}</tr>{body}</table>"


def report_html(report: AnnualReport) -> str:
    """The report as one HTML page for the PDF."""
    parts = [f"<h1>{escape(report.title)}</h1>", f'<p class="scope">{escape(report.scope)}</p>',
             f"<h2>{report.sections['overview']}</h2>", *(f"<p>{escape(p)}</p>" for p in report.overview),
             f"<h2>{report.sections['figures']}</h2>", *(_table_html(t) for t in report.tables),
             f"<h2>{report.sections['signs']}</h2>", _table_html(report.signs),
             *(f"<p>{escape(n)}</p>" for n in report.sign_notes),
             f"<h2>{report.sections['typical']}</h2>",
             *(f"<h3>{escape(h)}</h3><p>{escape(t)}</p>" if h else f"<p>{escape(t)}</p>" for h, t in typical_paragraphs(report)),
             f'<p class="closing">{escape(report.issuing_body)}</p>', f'<p class="closing">{escape(report.date_written)}</p>']
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(report.title)}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>")


def _inline_only() -> Any:
    """A fetcher that takes only the charts the report carries inside it (data: URLs) and nothing from outside."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before URLFetcher: a function answering with a dict
        def fetch(url: str) -> dict[str, Any]:
            if not url.startswith("data:image/png;base64,"):
                raise ValueError(f"the report loads nothing from outside: {url[:40]}")
            return {"string": base64.b64decode(url.split(",", 1)[1]), "mime_type": "image/png"}
        return fetch
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def report_pdf(report: AnnualReport) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML  # loaded on first use: it pulls in pango

    return bytes(HTML(string=report_html(report), url_fetcher=_inline_only()).write_pdf())


def _docx_table(doc: Any, t: ReportTable) -> None:
    styled(doc.add_paragraph(), t.title, Pt(14), bold=True)
    if t.chart:
        doc.add_picture(io.BytesIO(t.chart), width=Mm(150))
    table = doc.add_table(rows=1, cols=len(t.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, t.header, strict=True):
        cell.text = str(text)
    for row in t.rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.name = Pt(10.5), BODY_FONT


def report_docx(report: AnnualReport) -> bytes:
    """The report as DOCX bytes."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(title, report.title, Pt(22), bold=True)
    scope = doc.add_paragraph()
    scope.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(scope, report.scope, Pt(14))
    styled(doc.add_paragraph(), report.sections["overview"], Pt(16), bold=True)
    for text in report.overview:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(28)
        styled(paragraph, text, Pt(14))
    styled(doc.add_paragraph(), report.sections["figures"], Pt(16), bold=True)
    for t in report.tables:
        _docx_table(doc, t)
    styled(doc.add_paragraph(), report.sections["signs"], Pt(16), bold=True)
    _docx_table(doc, report.signs)
    for text in report.sign_notes:
        styled(doc.add_paragraph(), text, Pt(14))
    styled(doc.add_paragraph(), report.sections["typical"], Pt(16), bold=True)
    for heading, text in typical_paragraphs(report):
        if heading:
            styled(doc.add_paragraph(), heading, Pt(14), bold=True)
        styled(doc.add_paragraph(), text, Pt(14))
    for text in (report.issuing_body, report.date_written):
        closing = doc.add_paragraph()
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        styled(closing, text, Pt(14))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
