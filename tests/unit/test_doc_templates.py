"""Document templates in a bundle: named for a kind of document, a real DOCX, placeholders that parse and name only
known values, filled in Jinja's sandbox, and drawn for the PDF with their layout."""

from __future__ import annotations

import io

import pytest
from docx import Document as new_docx

from engine.bundles.definitions import load_bundle
from engine.bundles.doc_templates import check_template
from engine.bundles.shipped import SHIPPED, collect
from engine.config import DEFAULT_LIMITS
from engine.documents.docx_html import docx_html
from engine.documents.templated import TemplatedContent, fill
from engine.errors import Conflict, ModelInvalid
from engine.groups import GROUP_LABELS
from tests.support.doc_templates import LETTER, template


def test_a_template_is_named_for_a_kind_of_document_and_is_a_docx() -> None:
    assert check_template("ruling_letter.docx", LETTER, {"cadre_unit", "cadre_name", "outcome"}) == []
    assert "文书类型" in check_template("love_letter.docx", LETTER)[0]
    assert check_template("ruling_letter.docx", b"%PDF-1.7 not a word file") == ["不是 Word 文档（.docx）"]


def test_placeholders_must_parse_and_name_known_values() -> None:
    broken = check_template("ruling_letter.docx", template("{{ cadre_name "))
    assert len(broken) == 1 and "占位符写法有误" in broken[0]
    unknown = check_template("ruling_letter.docx", template("{{ cadre_salary }}"), {"cadre_name"})
    assert unknown == ["模板引用了未知的字段：cadre_salary"]


def test_a_bundle_keeps_its_templates_and_refuses_one_naming_unknown_values() -> None:
    files = collect(SHIPPED)[0]
    bundle = load_bundle({**files, "ruling_letter.docx": LETTER}, GROUP_LABELS, DEFAULT_LIMITS)
    assert bundle.templates == {"ruling_letter": LETTER}
    with pytest.raises(ModelInvalid) as refused:
        load_bundle({**files, "ruling_letter.docx": template("{{ cadre_salary }}")}, GROUP_LABELS, DEFAULT_LIMITS)
    assert [(p.file, "cadre_salary" in p.reason) for p in refused.value.problems] == [("ruling_letter.docx", True)]


def test_filling_runs_in_the_sandbox() -> None:
    sneaky = template("{{ cadre_name.__class__.__mro__[1].__subclasses__() }}")
    content = TemplatedContent("裁定书", "X纪容裁〔2026〕1号", "0" * 64, {"cadre_name": "张明"})
    with pytest.raises(Conflict):
        fill(sneaky, content)


def test_a_filled_template_keeps_its_values_escaped_and_its_layout_for_the_pdf() -> None:
    content = TemplatedContent("裁定书", "X纪容裁〔2026〕1号", "0" * 64, {
        "title": "裁定书", "number": "X纪容裁〔2026〕1号", "cadre_unit": "示例区<发改局>", "cadre_name": "张明",
        "outcome": "容错免责", "body": ["一、认定事实：……", "二、裁定依据：……"], "issuing_body": "区容错免责裁定委员会",
        "date_written": "2026年4月22日"})
    filled = fill(LETTER, content)
    text = [p.text for p in new_docx(io.BytesIO(filled)).paragraphs]
    assert "示例区<发改局>张明：裁定结论为容错免责。" in text and "二、裁定依据：……" in text
    html = docx_html(filled)
    assert '<p style="text-align:center">裁定书</p>' in html and "示例区&lt;发改局&gt;" in html
