"""The official documents of a case as a reader sees them, oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import disclosure, policy
from engine.access.policy import Actor
from engine.documents.content import discloses_of
from engine.persistence.models import Document
from engine.reading.queries import visible_case


def case_documents(session: Session, actor: Actor, case_id: int, with_correctors: bool = False) -> list[dict[str, Any]]:
    """The case's documents for someone who may read the case, leaving out those disclosing confidential data they
    may not read (with `with_correctors`, whether the reader may correct each one: its issuing group or a
    supervisor, and only the newest version). Raises: NotFound."""
    case = visible_case(session, actor, case_id)
    rows = session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id))
    found = []
    for r in rows:
        if not disclosure.may_read_kinds(actor, discloses_of(r.content)):
            continue
        item = {"id": r.id, "kind": r.kind, "title": r.title, "number": r.number, "issued_at": r.issued_at,
                "superseded_by": r.superseded_by, "task_id": r.task_id, "reason": r.reason}
        if with_correctors:
            item["may_correct"] = r.superseded_by is None and policy.may_correct_document(
                session, actor, case, r.issuer_group)
        found.append(item)
    return found
