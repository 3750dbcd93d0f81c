"""Correcting an issued document: a new numbered document with a reason, superseding the old one, which stays.

The corrector may change the text of each part of the body (the title, addressee and signature stay); the new
document says which number it replaces and why. Only the group whose step issued the document, or a supervisor,
may correct it, and only its newest version: correcting a superseded document is a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.access import policy
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.documents.content import DocumentContent, Section, paragraphs
from engine.documents.facts import chinese_date
from engine.errors import Conflict, Forbidden, FormInvalid, NotFound
from engine.persistence import case_rows
from engine.persistence.models import Document
from engine.persistence.uow import UnitOfWork
from engine.procedure import issuing
from engine.procedure.attachments import readable_case
from engine.procedure.document_numbers import issue_number
from engine.procedure.services import record_event

MAX_REASON = 500
MAX_TEXT = 5000


def _reason(reason: Any) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise FormInvalid({"reason": ["请说明更正理由"]})
    if len(text) > MAX_REASON:
        raise FormInvalid({"reason": [f"更正理由不能超过 {MAX_REASON} 字"]})
    return text


def _body(row: Document) -> tuple[Section, ...]:
    """The parts of a document's body a correction may change: a correction's own closing note is not one."""
    sections = DocumentContent.from_json(row.content).sections
    return sections[:-1] if row.reason else sections


def _texts(old: tuple[Section, ...], texts: Sequence[Any] | None) -> tuple[Section, ...]:
    """The body with each part's text replaced (a text's lines are its paragraphs); None keeps the old text."""
    if texts is None:
        return old
    if len(texts) != len(old):
        raise FormInvalid({"sections": [f"应给出全部 {len(old)} 个部分的文字"]})
    errors: dict[str, list[str]] = {}
    parts = []
    for i, (section, text) in enumerate(zip(old, texts, strict=True)):
        if not isinstance(text, str) or not text.strip():
            errors[f"sections.{i}"] = ["此部分不能为空"]
        elif len(text) > MAX_TEXT:
            errors[f"sections.{i}"] = [f"每部分不能超过 {MAX_TEXT} 字"]
        else:
            parts.append(Section(section.heading, paragraphs(text)))
    if errors:
        raise FormInvalid(errors)
    return tuple(parts)


def correct_document(ctx: EngineContext, actor: Actor, case_id: int, document_id: int, reason: Any,
                     texts: Sequence[Any] | None = None) -> issuing.Issued:
    """Issue a correction of a document: its body with `texts` (one per part), a new number and the reason.

    Raises: NotFound (case or document not visible), Forbidden, Conflict (already corrected), FormInvalid.
    """
    why = _reason(reason)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = readable_case(uow, actor, case_id)
        old = uow.session.get(Document, document_id)
        if old is None or old.case_id != case_id:
            raise NotFound(f"文书 {document_id} 不存在")
        if not policy.may_correct_document(uow.session, actor, case, old.issuer_group):
            raise Forbidden("只有签发该文书的部门或监督人员可以更正文书")
        if old.superseded_by is not None:
            raise Conflict(f"文书 {old.number} 已被更正，请更正最新的文书")
        before = DocumentContent.from_json(old.content)
        sections = _texts(_body(old), texts)
        number = issue_number(uow, ctx.config, old.kind)
        note = Section("", (f"本文书更正并替代{before.number}。更正理由：{why}",))
        content = DocumentContent(before.title, number.text, before.addressee, (*sections, note), before.issuing_body,
                                  chinese_date(issuing.issuing_day(ctx, uow)))
        step = issuing.Step(old.issuer_group, old.task_id)
        issued = issuing.keep(ctx, uow, case, old.kind, content, actor, record_event, step, why, supersedes=old)
        case_rows.write_audit_head(uow.session, case)
        uow.commit()
    return issued


def document_text(ctx: EngineContext, actor: Actor, case_id: int, document_id: int) -> Mapping[str, Any]:
    """What a document says, part by part, for someone who may read its case (the correction form starts from it).

    Raises: NotFound.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = readable_case(uow, actor, case_id)
        row = uow.session.get(Document, document_id)
        if row is None or row.case_id != case_id:
            raise NotFound(f"文书 {document_id} 不存在")
        may_correct = policy.may_correct_document(uow.session, actor, case, row.issuer_group)
        return {"id": row.id, "title": row.title, "number": row.number, "superseded_by": row.superseded_by,
                "may_correct": may_correct and row.superseded_by is None,
                "sections": [{"heading": s.heading, "text": "\n".join(s.paragraphs)} for s in _body(row)]}
