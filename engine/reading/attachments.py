"""The files of a case as a reader sees them: every version, newest first, with who added it and what replaced it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import policy, users
from engine.access.policy import Actor
from engine.persistence.models import Attachment, Case
from engine.reading.queries import visible_case


def case_attachments(session: Session, actor: Actor, case_id: int) -> list[dict[str, Any]]:
    """The case's attachments, newest first, for someone who may read the case. Raises: NotFound."""
    visible_case(session, actor, case_id)
    rows = list(session.scalars(select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id.desc())))
    successors = {r.replaces_id: r.id for r in rows if r.replaces_id is not None}
    names = users.person_labels(session, [r.uploaded_by for r in rows])
    return [{
        "id": r.id, "file_name": r.file_name, "size": r.size, "content_type": r.media_type, "sha256": r.sha256,
        "uploaded_by": names.get(r.uploaded_by, r.uploaded_by), "uploaded_at": r.uploaded_at,
        "replaces": r.replaces_id, "replaced_by": successors.get(r.id), "note": r.note, "bpmn_id": r.bpmn_id,
        "task_id": r.task_id,
    } for r in rows]


def may_add(session: Session, actor: Actor, case_id: int) -> bool:
    """Whether the actor may attach files to the case (False for a case they cannot see)."""
    case = session.get(Case, case_id)
    return case is not None and policy.may_add_files(session, actor, case)
