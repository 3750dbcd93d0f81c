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
from engine.calendar import chinese_date
from engine.context import EngineContext
from engine.documents.content import DocumentContent, Section, paragraphs
from engine.documents.facts import form_words
from engine.documents.templated import TemplatedContent
from engine.errors import Conflict, Forbidden, FormInvalid, Message
from engine.persistence import case_rows
from engine.persistence.models import Document
from engine.persistence.uow import UnitOfWork
from engine.procedure import issuing
from engine.procedure.attachments import readable_case
from engine.procedure.document_numbers import issue_number
from engine.procedure.documents import readable_document
from engine.procedure.services import record_event

MAX_REASON = 500
MAX_TEXT = 5000


def _reason(reason: Any) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise FormInvalid({"reason": ["请说明更正理由"]})
    if len(text) > MAX_REASON:
        raise FormInvalid({"reason": [Message("更正理由不能超过 %(max_reason)s 字", max_reason=MAX_REASON)]})
    return text


# A templated document's values that are its own parts, not text a corrector changes.
FIXED_FIELDS = frozenset({"title", "number", "date_written", "issuing_body", "correction_note"})


def _body(row: Document) -> tuple[Section, ...]:
    """The parts of a document a correction may change: the body's parts (a correction's own closing note is not
    one), or a templated document's values, each headed by its name."""
    if (filled := TemplatedContent.from_json(row.content)) is not None:
        return tuple(Section(key, tuple(value) if isinstance(value, list) else paragraphs(str(value)) or ("",))
                     for key, value in filled.fields.items() if key not in FIXED_FIELDS)
    sections = DocumentContent.from_json(row.content).sections
    return sections[:-1] if row.reason else sections


def _corrected(row: Document, sections: tuple[Section, ...], number: str, note: str,
               day: str) -> DocumentContent | TemplatedContent:
    """The corrected document: the new text, the new number, and the note naming the number replaced and why."""
    if (filled := TemplatedContent.from_json(row.content)) is not None:
        values = {s.heading: list(s.paragraphs) if isinstance(filled.fields.get(s.heading), list) else "\n".join(s.paragraphs)
                  for s in sections}
        fields = {**filled.fields, **values, "number": number, "date_written": day, "correction_note": note}
        return TemplatedContent(filled.title, number, filled.template_sha256, fields, filled.discloses)
    before = DocumentContent.from_json(row.content)
    return DocumentContent(before.title, number, before.addressee, (*sections, Section("", (note,))), before.issuing_body,
                           day, before.discloses)


def _texts(old: tuple[Section, ...], texts: Sequence[Any] | None) -> tuple[Section, ...]:
    """The body with each part's text replaced (a text's lines are its paragraphs); None keeps the old text."""
    if texts is None:
        return old
    if len(texts) != len(old):
        raise FormInvalid({"sections": [Message("应给出全部 %(count)s 个部分的文字", count=len(old))]})
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
        old = readable_document(uow, actor, case_id, document_id)
        if not policy.may_correct_document(uow.session, actor, case, old.issuer_group):
            raise Forbidden("只有签发该文书的部门或监督人员可以更正文书")
        if old.superseded_by is not None:
            raise Conflict("文书 %(number)s 已被更正，请更正最新的文书", number=old.number)
        sections = _texts(_body(old), texts)
        number = issue_number(uow, ctx.config, old.kind)
        content = _corrected(old, sections, number.text, f"本文书更正并替代{old.number}。更正理由：{why}",
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
        row = readable_document(uow, actor, case_id, document_id)
        may_correct = policy.may_correct_document(uow.session, actor, case, row.issuer_group)
        # A templated document's values are headed by the labels its forms give them.
        names = form_words(ctx.bundle_of_version(uow.session, case.process_version_id).forms.values()).names \
            if TemplatedContent.from_json(row.content) is not None else {}
        return {"id": row.id, "title": row.title, "number": row.number, "superseded_by": row.superseded_by,
                "may_correct": may_correct and row.superseded_by is None,
                "sections": [{"heading": names.get(s.heading, s.heading), "text": "\n".join(s.paragraphs)}
                             for s in _body(row)]}
