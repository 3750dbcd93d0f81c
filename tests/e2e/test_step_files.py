"""Files in a step's form: a file picker holds the ids of files attached to the case, only this case's files, and
the application's files arrive with it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from engine.persistence.models import Attachment, AuditEvent
from engine.procedure import services
from engine.procedure.attachment_rows import Upload
from engine.procedure.attachments import add_attachment
from tests.support import files
from tests.support.driver import APPLICATION, CaseRun, apply
from tests.support.transports import HttpTransport, Transport

ASK_FOR_MORE = {"jurisdiction_ok": True, "materials_complete": False, "acceptance": "supplement",
                "acceptance_reason": "材料不全", "supplement_request": "请补充党组会议纪要"}


def attach(via: Transport, who: str, case_id: int, name: str, task_id: str | None = None) -> int:
    """Attach a PDF to the case (for a step, with its task), as `who`; the attachment's id."""
    if isinstance(via, HttpTransport):
        form: dict[str, Any] = {"file": (io.BytesIO(files.PDF), name), **({"task_id": task_id} if task_id else {})}
        return int(via.call(who, "POST", f"/cases/{case_id}/attachments", content_type="multipart/form-data",
                            data=form)["id"])
    return add_attachment(via.ctx, via.people[who], case_id, Upload(name, files.PDF, task_id=task_id))


def asked_for_more(via: Transport) -> CaseRun:
    run = apply(via)
    run.do("intake", "acceptance_review", ASK_FOR_MORE)
    return run


def test_the_supplement_names_the_files_it_brings(via: Transport) -> None:
    run = asked_for_more(via)
    task = run.task("supplement")
    minutes = attach(via, "applicant", run.case_id, "党组会议纪要.pdf", task.id)
    run.do("applicant", "supplement", {"supplement_materials": "已补充会议纪要", "supplement_files": [minutes]})
    assert run.data()["supplement_files"] == [minutes]
    with via.ctx.sessions() as session:
        row = session.get(Attachment, minutes)
        assert row is not None and (row.bpmn_id, row.file_name) == ("supplement", "党组会议纪要.pdf")


def test_a_picker_takes_only_this_cases_files(via: Transport) -> None:
    run = asked_for_more(via)
    other = apply(via, cadre_name="李华")
    elsewhere = attach(via, "applicant", other.case_id, "别案材料.pdf")
    with pytest.raises(FormInvalid) as refused:
        run.do("applicant", "supplement", {"supplement_materials": "补充", "supplement_files": [elsewhere]})
    assert set(refused.value.fields) == {"supplement_files"}
    with pytest.raises(FormInvalid) as refused:
        run.do("applicant", "supplement", {"supplement_materials": "补充", "supplement_files": ["一份文件"]})
    assert set(refused.value.fields) == {"supplement_files"}
    assert run.open_ids() == ["supplement"]  # the task stays open


def test_an_application_arrives_with_its_evidence_files(via: Transport) -> None:
    uploads = {"evidence_files": [Upload("党组会议纪要.pdf", files.PDF), Upload("试点方案.pdf", files.PDF + b"\n%")]}
    result = services.start_case(via.ctx, via.people["applicant"], "rcjc_case", "application", APPLICATION, uploads)
    run = CaseRun(via, result.case_id)
    ids = run.data()["evidence_files"]
    with via.ctx.sessions() as session:
        rows = [session.get(Attachment, i) for i in ids]
        events = [e.event for e in session.scalars(select(AuditEvent).where(AuditEvent.case_id == run.case_id)
                                                   .order_by(AuditEvent.seq))]
    assert [r.file_name for r in rows if r is not None] == ["党组会议纪要.pdf", "试点方案.pdf"]
    assert events[:4] == ["case_started", "attachment_added", "attachment_added", "document_issued"]


def test_a_bad_file_with_an_application_starts_nothing(via: Transport) -> None:
    uploads = {"evidence_files": [Upload("纪要.pdf", files.PDF), Upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64)]}
    with pytest.raises(FormInvalid):
        services.start_case(via.ctx, via.people["applicant"], "rcjc_case", "application", APPLICATION, uploads)
    with via.ctx.sessions() as session:
        assert session.scalar(select(Attachment.id)) is None
