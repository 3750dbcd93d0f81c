"""DOCX templates with placeholders, as a process owner would upload them."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH


def template(*lines: str, centred_first: bool = True) -> bytes:
    """A DOCX with these paragraphs (placeholders in them as written), the first one centred."""
    document = new_docx()
    for i, line in enumerate(lines):
        paragraph = document.add_paragraph(line)
        if i == 0 and centred_first:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LETTER = template("{{ title }}", "{{ number }}", "{{ cadre_unit }}{{ cadre_name }}：裁定结论为{{ outcome }}。",
                  "{%p for line in body %}", "{{ line }}", "{%p endfor %}", "{{ issuing_body }} {{ date_written }}")
