"""The annual report (一报告两评议 material) for a year and a scope, as DOCX or PDF: the year's figures with charts,
and the warning signs with how they were handled. Always in Chinese, the language of official documents."""

from __future__ import annotations

from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from engine.calendar import chinese_date
from engine.documents.annual_report import AnnualReport, ReportTable, report_docx, report_pdf
from engine.documents.report_charts import bar_chart
from engine.errors import Forbidden
from engine.procedure.issuing import issuing_body
from engine.reading import figure_words
from engine.reading.annual import YearFigures, year_figures

from ..context import engine_context
from ..figures import labelled
from ..warning_text import KIND_LABELS
from .blueprint import UiBlueprint
from .session import current_actor, login_required
from .views_statistics import download

bp = UiBlueprint("ui_annual_report", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The numbers each charted table draws; the other tables are given as tables only.
CHARTED = {"outcome": ["cases"], "stage_days": ["average", "p90"], "late_by_group": ["late", "overdue"],
           "tolerance_by_domain": ["rate"], "tolerance_by_unit": ["rate"], "procedure": ["cases"]}


def _table(t: dict[str, Any]) -> ReportTable:
    keys = [c["key"] for c in t["columns"]]
    rows = [[r[k] for k in keys] for r in t["rows"]]
    chart = None
    if t["key"] in CHARTED:
        names = {c["key"]: c["label"] for c in t["columns"]}
        chart = bar_chart(t["title"], [r["label"] for r in t["rows"]],
                          [(names[k], [r[k] for r in t["rows"]]) for k in CHARTED[t["key"]]])
    return ReportTable(t["title"], [c["label"] for c in t["columns"]], rows, chart)


def _overview(year: int, tables: dict[str, dict[str, Any]]) -> list[str]:
    def total(key: str, column: str = "cases") -> int:
        return sum(int(r[column]) for r in tables[key]["rows"])

    status = {r["key"]: r["cases"] for r in tables["status"]["rows"]}
    ended = sum(n for k, n in status.items() if k in ("completed", "terminated"))
    rulings = next((r for r in tables["rulings_by_year"]["rows"] if r["key"] == str(year)), None)
    lines = [f"{year}年共受理容错纠错申请及容错前置审查{total('status')}件，已办结{ended}件，"
             f"尚在办理{total('status') - ended}件。"]
    if rulings:
        rate = round(100 * (rulings["exempt"] + rulings["mitigate"]) / rulings["rulings"], 1)
        lines.append(f"全年作出裁定{rulings['rulings']}件，其中容错免责{rulings['exempt']}件、从轻或减轻处理"
                     f"{rulings['mitigate']}件、不予容错{rulings['not_tolerated']}件，容错率{rate}%。")
    else:
        lines.append("全年未作出裁定。")
    lines.append(f"澄清正名干部{total('clarified_by_year', 'cadres')}人；超期办结环节{total('late_by_group', 'late')}个，"
                 f"目前超期未办结环节{total('late_by_group', 'overdue')}个。")
    return lines


def _signs(found: YearFigures) -> tuple[ReportTable, list[str]]:
    raised = Counter(s.kind for s in found.signs)
    handled = Counter(s.kind for s in found.signs if s.acknowledged_at)
    rows = [[str(label), raised[kind], handled[kind]] for kind, label in KIND_LABELS.items() if raised[kind]]
    notes = [f"案件#{s.case_id}（{KIND_LABELS.get(s.kind, s.kind)}）：{s.note}" for s in found.signs if s.note]
    summary = [f"全年发现预警{len(found.signs)}条，已处理{sum(handled.values())}条。"]
    return ReportTable("各类预警数量", ["类型", "发现", "已处理"], rows), summary + notes


def build_report(year: int, unit: str, domain: str) -> AnnualReport:
    """The report's content for the signed-in reader. Raises: Forbidden."""
    ctx = engine_context()
    with ctx.sessions() as session:
        found = year_figures(ctx, session, current_actor(), year, unit, domain)
        domains = figure_words.domain_names(ctx, session)
        typical = [(t.title, t.guidance) for t in found.typical]
    with force_locale("zh_CN"):
        tables = labelled(found.tables)
        signs, notes = _signs(found)
    by_key = {t["key"]: t for t in tables}
    scope = "、".join(p for p in (unit, domains.get(domain, domain)) if p) or "全区"
    today = ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).date()
    return AnnualReport(f"{year}年度容错纠错工作情况报告", f"（范围：{scope}）", _overview(year, by_key),
                        [_table(t) for t in tables if t["rows"]], signs, notes,
                        typical, issuing_body(ctx), chinese_date(today))


@bp.get("/statistics/annual-report.<fmt>")
@login_required
def annual_report(fmt: str) -> ResponseReturnValue:
    """The report for ?year= (this year by default), narrowed to ?unit= and ?domain= when given."""
    if fmt not in ("docx", "pdf"):
        abort(404)
    ctx = engine_context()
    this_year = ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).year
    raw = request.args.get("year", str(this_year))
    if not raw.isdecimal() or not 2000 <= int(raw) <= this_year:
        abort(400, "年份无效")
    try:
        report = build_report(int(raw), request.args.get("unit", "").strip()[:200], request.args.get("domain", "").strip()[:100])
    except Forbidden:
        abort(403)
    if fmt == "pdf":
        return download(report_pdf(report), "application/pdf", f"{report.title}.pdf")
    return download(report_docx(report), DOCX, f"{report.title}.docx")
