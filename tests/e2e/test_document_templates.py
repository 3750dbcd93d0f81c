"""A process owner's template for a kind of document: a new version with it writes that document from the template
(DOCX and PDF), cases on the earlier version keep the built-in layout, and a correction keeps the template."""

from __future__ import annotations

from engine.bundles.shipped import SHIPPED, collect
from tests.support.doc_templates import LETTER
from tests.support.documents import by_kind, documents, ruled, texts
from tests.support.driver import APPLICATION, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.transports import Transport

EXEMPT_LABEL = "容错免责（不予/免予追究）"


def test_a_new_version_writes_the_ruling_letter_from_its_template_and_old_cases_keep_theirs(via: Transport) -> None:
    before = apply(via, cadre_name="李华")
    to_ruling_meeting(before, LOOKS_EXEMPT, "EXEMPT")
    created, _ = via.deploy({**collect(SHIPPED)[0], "ruling_letter.docx": LETTER})
    assert created
    after = ruled(via)
    letter = by_kind(documents(via, "chair", after.case_id))["ruling_letter"]
    for text in texts(via, "chair", after.case_id, letter):
        # The template's own wording, filled with the case's words and the built-in body.
        assert f"{APPLICATION['cadre_unit']}{APPLICATION['cadre_name']}：裁定结论为{EXEMPT_LABEL}。" in text
        assert "一、认定事实：经调查核实……" in text and letter["number"] in text

    before.convene(["committee1", "committee2", "committee3"])
    before.vote({m: "agree" for m in ("committee1", "committee2", "committee3")})
    before.issue_ruling("EXEMPT", rectification=False)
    old = by_kind(documents(via, "chair", before.case_id))["ruling_letter"]
    assert "裁定结论为" not in texts(via, "chair", before.case_id, old)[1]  # the built-in layout


def test_a_templated_letter_is_corrected_value_by_value(via: Transport) -> None:
    from engine.procedure.corrections import correct_document, document_text

    via.deploy({**collect(SHIPPED)[0], "ruling_letter.docx": LETTER})
    run = ruled(via)
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    parts = document_text(via.ctx, via.people["chair"], run.case_id, letter["id"])["sections"]
    headings = [p["heading"] for p in parts]
    assert "干部姓名" in headings  # a value is headed by its form label
    edited = [("张明同志" if p["heading"] == "干部姓名" else p["text"]) for p in parts]
    fixed = correct_document(via.ctx, via.people["chair"], run.case_id, letter["id"], "称谓规范", edited)
    [new] = [d for d in documents(via, "chair", run.case_id) if d["id"] == fixed.id]
    pdf, docx = texts(via, "chair", run.case_id, new)
    for text in (pdf, docx):
        assert "张明同志：裁定结论为" in text and f"本文书更正并替代{letter['number']}。更正理由：称谓规范" in text
