"""Reading a case's documents as a given person, through the services or the API, and issuing a ruling letter
directly, as the chair's signing step would, for tests of reading documents."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as read_docx
from pypdf import PdfReader
from sqlalchemy import select

from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.errors import NotFound
from engine.persistence import case_rows
from engine.persistence.models import ProcessVersion
from engine.persistence.uow import UnitOfWork
from engine.procedure import issuing
from engine.procedure.documents import open_document
from engine.procedure.services import record_event
from engine.reading.documents import case_documents
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.transports import HttpTransport, Transport


def issue_letter(ctx: EngineContext, case_id: int) -> int:
    """Issue an EXEMPT ruling letter on the case, with the words of the case's own forms; returns its id."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = case_rows.lock_existing(uow.session, case_id)
        deployment = uow.session.scalar(select(ProcessVersion.deployment_id).where(
            ProcessVersion.id == case.process_version_id))
        assert deployment is not None
        facts = issuing.facts_of(ctx.bundle(uow.session, deployment), {**APPLICATION, "outcome": "EXEMPT"})
        [letter] = issuing.issue(ctx, uow, case, ["ruling_letter"], facts, SYSTEM, record_event,
                                 issuing.Step("committee_chair", None, "issue_ruling"))
        case_rows.write_audit_head(uow.session, case)
        uow.commit()
    return letter.id


def documents(via: Transport, who: str, case_id: int) -> list[dict[str, Any]]:
    """The case's documents as `who` lists them."""
    if isinstance(via, HttpTransport):
        return list(via.call(who, "GET", f"/cases/{case_id}/documents")["items"])
    with via.ctx.sessions() as session:
        return case_documents(session, via.people[who], case_id)


def download(via: Transport, who: str, case_id: int, doc_id: int, fmt: str) -> bytes:
    """A document's bytes as `who` downloads them."""
    if isinstance(via, HttpTransport):
        response = via.http.get(f"/api/v1/cases/{case_id}/documents/{doc_id}?format={fmt}",
                                headers={"Authorization": f"Bearer {via._token(who)}"})
        if response.status_code == 404:
            raise NotFound(response.get_json()["error"]["message"])
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        return bytes(response.data)
    with open_document(via.ctx, via.people[who], case_id, doc_id, fmt).content as content:
        return content.read()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages).replace(" ", "").replace("\n", "")


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in read_docx(io.BytesIO(content)).paragraphs)


def texts(via: Transport, who: str, case_id: int, doc: dict[str, Any]) -> tuple[str, str]:
    """The document's text as its PDF and as its DOCX."""
    return (pdf_text(download(via, who, case_id, doc["id"], "pdf")),
            docx_text(download(via, who, case_id, doc["id"], "docx")))


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in docs}


def ruled(via: Transport, **changes: Any) -> CaseRun:
    run = apply(via, **changes)
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("EXEMPT", rectification=True)
    return run
