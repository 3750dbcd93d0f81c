"""A cadre's page of the register as PDF, for a promotion or assessment review: who, and each ruling or
clarification with its outcome, its "no negative evaluation" scope and whether that holds, and the documents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from engine.calendar import chinese_date
from engine.documents.pdf_render import pdf_from_html

STYLE = """
@page { size: A4; margin: 25mm 20mm; }
body { font-family: "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 18pt; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 12pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #000; padding: 3pt 5pt; vertical-align: top; text-align: left; }
p.meta { margin: 0 0 8pt; }
p.note { margin-top: 10pt; font-size: 9pt; }
"""


def _row(item: Mapping[str, Any]) -> str:
    outcome = item["outcome_label"]
    if item.get("previous_outcome"):
        outcome += "（申诉复核变更）"
    if item["no_negative"]:
        flag = "不作负面评价：" + "、".join(item["scope_labels"])
        flag += "（有效）" if item["in_force"] else f"（已于{chinese_date(item['withdrawn_on'])}撤回）"
    else:
        flag = "—"
    cells = (chinese_date(item["decided_on"]), item["matter"], outcome, flag, "、".join(item["document_numbers"]) or "—")
    return "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>"


def cadre_sheet(items: Sequence[Mapping[str, Any]], printed_on: str) -> bytes:
    """One cadre's records as a PDF page (`items` from the register search, all of the same cadre)."""
    first = items[0]
    who = "，".join(escape(str(p)) for p in (first["cadre_name"], first.get("cadre_unit"), first.get("cadre_position")) if p)
    rows = "".join(_row(i) for i in items)
    html = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{STYLE}</style></head><body>'
            f"<h1>干部容错纠错档案</h1><p class=\"meta\">{who}</p>"
            "<table><thead><tr><th>日期</th><th>事项</th><th>结论</th><th>结果运用</th><th>文号</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p class=\"note\">打印日期：{escape(printed_on)}。本页据干部容错纠错档案生成，"
            "查询已记入查阅留痕。</p></body></html>")
    return pdf_from_html(html)
