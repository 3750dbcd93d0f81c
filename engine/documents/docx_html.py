"""A filled DOCX template drawn as one HTML page for the PDF: its page margins, paragraphs with their alignment,
indents and spacing, bold and sized runs, and tables, in the CJK serif the built-in layout uses."""

from __future__ import annotations

import io
from html import escape

from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from docx.text.paragraph import Paragraph

ALIGN = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right",
         WD_ALIGN_PARAGRAPH.JUSTIFY: "justify", WD_ALIGN_PARAGRAPH.LEFT: "left"}


def _paragraph(p: Paragraph) -> str:
    fmt = p.paragraph_format
    style = [f"text-align:{ALIGN[p.alignment]}"] if p.alignment in ALIGN else []
    if fmt.first_line_indent is not None:
        style.append(f"text-indent:{fmt.first_line_indent.pt:.1f}pt")
    if fmt.left_indent is not None:
        style.append(f"margin-left:{fmt.left_indent.pt:.1f}pt")
    for side, value in (("top", fmt.space_before), ("bottom", fmt.space_after)):
        if value is not None:
            style.append(f"margin-{side}:{value.pt:.1f}pt")
    if fmt.line_spacing is not None and hasattr(fmt.line_spacing, "pt"):
        style.append(f"line-height:{fmt.line_spacing.pt:.1f}pt")
    runs = []
    for run in p.runs:
        text = escape(run.text)
        if run.font.size is not None:
            text = f'<span style="font-size:{run.font.size.pt:.1f}pt">{text}</span>'
        runs.append(f"<b>{text}</b>" if run.bold else text)
    return f'<p style="{";".join(style)}">{"".join(runs) or "&nbsp;"}</p>'


def _table(table: Table) -> str:
    rows = "".join("<tr>" + "".join("<td>" + "".join(_paragraph(p) for p in cell.paragraphs) + "</td>"
                                    for cell in row.cells) + "</tr>" for row in table.rows)
    return f"<table>{rows}</table>"


def docx_html(content: bytes) -> str:
    """The DOCX as one HTML page with its own page box."""
    document = open_docx(io.BytesIO(content))
    section = document.sections[0]
    margins = " ".join(f"{(m.mm if m is not None else 25):.1f}mm" for m in (
        section.top_margin, section.right_margin, section.bottom_margin, section.left_margin))
    blocks = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(_paragraph(Paragraph(child, document)))
        elif tag == "tbl":
            blocks.append(_table(Table(child, document)))
    style = (f"@page {{ size: A4; margin: {margins}; }} "
             'body { font-family: "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 28pt; margin: 0; } '
             "p { margin: 0; } table { border-collapse: collapse; width: 100%; } "
             "td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }")
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head>'
            f"<body>{''.join(blocks)}</body></html>")
