"""A document as DOCX in the GB/T 9704 layout: A4, the standard margins, 小标宋 title and 仿宋 body at fixed spacing."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from engine.documents.content import SEAL_PLACE, DocumentContent

# Debian fonts-noto-cjk stands in for 方正小标宋 (title) and 仿宋 (body).
TITLE_FONT = "Noto Serif CJK SC"
BODY_FONT = "Noto Serif CJK SC"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
LINE = Pt(28)


def styled(paragraph: Paragraph, text: str, size: Pt, bold: bool = False, font: str = BODY_FONT) -> None:
    """Add text to a paragraph at a fixed line height, in the CJK font for East Asian text too."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def render_docx(content: DocumentContent) -> bytes:
    """The document as DOCX bytes."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    title = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(title, content.title, TITLE_SIZE, bold=True, font=TITLE_FONT)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styled(number, content.number, BODY_SIZE)
    doc.add_paragraph()
    styled(doc.add_paragraph(), content.addressee, BODY_SIZE)
    for part in content.sections:
        for i, text in enumerate(part.paragraphs):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            if part.heading and i == 0:
                styled(paragraph, part.heading + "：", BODY_SIZE, bold=True)
            styled(paragraph, text, BODY_SIZE)
    doc.add_paragraph()
    for text in (content.issuing_body, SEAL_PLACE, content.date_written):
        closing = doc.add_paragraph()
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        styled(closing, text, BODY_SIZE)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
