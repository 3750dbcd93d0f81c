"""Correcting an issued document: a new number, the reason printed on it, the old one kept and marked superseded;
only the issuing group or a supervisor may correct, and only the newest version."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.persistence.models import AuditEvent
from engine.procedure.corrections import correct_document, document_text
from tests.support.documents import by_kind, documents, ruled, texts
from tests.support.transports import HttpTransport, Transport


def correct(via: Transport, who: str, case_id: int, doc_id: int, reason: str,
            sections: list[str] | None = None) -> dict[str, Any]:
    """Issue a correction as `who`; the new document as the API lists it."""
    if isinstance(via, HttpTransport):
        body: dict[str, Any] = {"reason": reason, **({"sections": sections} if sections is not None else {})}
        return dict(via.call(who, "POST", f"/cases/{case_id}/documents/{doc_id}/corrections", json=body))
    issued = correct_document(via.ctx, via.people[who], case_id, doc_id, reason, sections)
    return by_kind([d for d in documents(via, who, case_id) if d["id"] == issued.id])[issued.kind]


def parts(via: Transport, who: str, case_id: int, doc_id: int) -> list[str]:
    """The text of each part of a document's body, as the correction form shows it."""
    return [s["text"] for s in document_text(via.ctx, via.people[who], case_id, doc_id)["sections"]]


def test_the_chair_corrects_the_ruling_letter_and_both_stay_in_the_case_file(via: Transport) -> None:
    run = ruled(via)
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    body = parts(via, "chair", run.case_id, letter["id"])
    facts = next(i for i, text in enumerate(body) if text.startswith("经调查核实"))
    body[facts] = "经调查核实，资金延期拨付系政策调整所致。"
    fixed = correct(via, "chair", run.case_id, letter["id"], "认定事实表述有误", body)
    year = via.ctx.clock.now().year
    assert (fixed["title"], fixed["number"], fixed["superseded_by"]) == ("裁定书", f"X纪容裁〔{year}〕2号", None)
    listed = documents(via, "applicant", run.case_id)
    assert [d["superseded_by"] for d in listed if d["kind"] == "ruling_letter"] == [fixed["id"], None]
    for text in texts(via, "applicant", run.case_id, fixed):
        assert "资金延期拨付系政策调整所致" in text and f"本文书更正并替代X纪容裁〔{year}〕1号" in text
        assert "认定事实表述有误" in text
    # The superseded letter still reads as it was issued.
    old = texts(via, "applicant", run.case_id, letter)[1]
    assert "政策调整所致" not in old and letter["number"] in old
    with via.ctx.sessions() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.case_id == run.case_id,
                                                            AuditEvent.event == "document_corrected"))
    assert event.actor == "chair" and event.details["reason"] == "认定事实表述有误"
    assert (event.details["supersedes"], event.details["document"]) == (letter["id"], fixed["id"])
    # A correction of the correction replaces its text, not its closing note: one note, naming the newest number.
    again = correct(via, "supervisor", run.case_id, fixed["id"], "再次更正")
    text = texts(via, "applicant", run.case_id, again)[1]
    assert text.count("本文书更正并替代") == 1 and f"替代X纪容裁〔{year}〕2号" in text


def test_only_the_newest_version_is_corrected(via: Transport) -> None:
    run = ruled(via)
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    correct(via, "chair", run.case_id, letter["id"], "文字有误")
    with pytest.raises(Conflict):
        correct(via, "chair", run.case_id, letter["id"], "再改一次")


def test_who_may_correct_and_what_a_refusal_leaves(via: Transport) -> None:
    run = ruled(via)
    letter = by_kind(documents(via, "chair", run.case_id))["ruling_letter"]
    with pytest.raises(Forbidden):
        correct(via, "applicant", run.case_id, letter["id"], "申请单位不能更正裁定书")
    with pytest.raises(NotFound):
        correct(via, "other_applicant", run.case_id, letter["id"], "其他单位看不到本案")
    with pytest.raises(FormInvalid):
        correct(via, "chair", run.case_id, letter["id"], "   ")
    with pytest.raises(FormInvalid):
        correct(via, "chair", run.case_id, letter["id"], "少了部分", ["只有一段"])
    # Nothing was issued and no number was used up.
    assert [d["number"] for d in documents(via, "chair", run.case_id) if d["kind"] == "ruling_letter"] == [
        letter["number"]]
    fixed = correct(via, "chair", run.case_id, letter["id"], "文字有误")
    assert fixed["number"].endswith("〕2号")
