"""Official documents a step issues when it completes, each recorded in the case's audit trail.

A user task (or a start event) names the documents it issues in its `issues` property. In the step's own
transaction each is written from the case data after the step, numbered from the register and kept as content
with its hash: a step that fails issues nothing and gives its number back. Rendering the PDF and DOCX takes a
tenth of a second or more, so it happens after the step, outside the case's lock (engine/procedure/rendering.py).
An issued document is never changed; a correction is a new document superseding it (engine/procedure/corrections.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from engine.access.policy import Actor
from engine.bundles.definitions import Bundle
from engine.context import EngineContext
from engine.documents.content import ISSUING_BODY, DocumentContent
from engine.documents.facts import Facts, form_words
from engine.documents.kinds import KINDS, compose
from engine.documents.templated import TemplatedContent, templated
from engine.files import stores
from engine.notifications import work
from engine.persistence.case_rows import CaseRow
from engine.persistence.models import Document
from engine.persistence.uow import UnitOfWork
from engine.procedure import meeting
from engine.procedure.document_numbers import issue_number


@dataclass(frozen=True)
class Issued:
    """What the audit trail keeps of an issued document."""

    id: int
    kind: str
    number: str
    content_sha256: str


@dataclass(frozen=True)
class Step:
    """The step that issues documents: its task (None for the start), element and group."""

    group: str
    task_id: str | None = None
    bpmn_id: str | None = None


# Records an event in the case's audit chain (engine.procedure.services.record_event).
Recorder = Callable[..., None]


def facts_of(bundle: Bundle | None, data: Mapping[str, Any]) -> Facts:
    """The case data with the words of the bundle's forms, as a document reads it."""
    return Facts(data, form_words(bundle.forms.values() if bundle is not None else ()))


def issuing_day(ctx: EngineContext, uow: UnitOfWork) -> date:
    """The date written on a document issued now, in the deployment's time zone."""
    return uow.now.astimezone(ZoneInfo(ctx.config.timezone)).date()


def issuing_body(ctx: EngineContext) -> str:
    """The body whose name a document is signed with, from configuration."""
    return str(ctx.config.settings.get("issuing_body") or ISSUING_BODY)


def keep(ctx: EngineContext, uow: UnitOfWork, case: CaseRow, kind: str, content: DocumentContent | TemplatedContent,
         actor: Actor,
         record: Recorder, step: Step, reason: str | None = None, supersedes: Document | None = None) -> Issued:
    """Write a numbered document's row and its audit event, in the caller's transaction."""
    row = Document(case_id=case.id, kind=kind, title=content.title, number=content.number, issued_at=uow.now,
                   issued_by=actor.username, task_id=step.task_id, issuer_group=step.group,
                   content=content.to_json(), content_sha256=content.sha256(), store=stores.store(ctx).kind,
                   reason=reason)
    uow.session.add(row)
    uow.session.flush()
    details: dict[str, Any] = {"document": row.id, "kind": kind, "title": row.title, "number": row.number,
                               "content_sha256": row.content_sha256}
    if supersedes is not None:
        supersedes.superseded_by = row.id
        details.update(supersedes=supersedes.id, superseded_number=supersedes.number, reason=reason)
    record(uow, case, "document_corrected" if supersedes is not None else "document_issued", actor,
           task_id=step.task_id, bpmn_id=step.bpmn_id, details=details)
    return Issued(row.id, kind, row.number, row.content_sha256)


def issue(ctx: EngineContext, uow: UnitOfWork, case: CaseRow, kinds: Collection[str], facts: Facts, actor: Actor,
          record: Recorder, step: Step, templates: Mapping[str, bytes] | None = None) -> list[Issued]:
    """Issue the documents of `kinds` that the facts call for, in the caller's transaction, each audited; a kind
    with a template in the case's bundle (`templates`) is written from the template."""
    if "meeting_minutes" in kinds and isinstance(facts.data.get("meeting_history"), list):
        # The minutes name every vote from the meeting's record, whatever the chair wrote beside it.
        record_text = meeting.minutes_draft(uow.session, facts.data["meeting_history"],
                                            list(facts.data.get("committee_members") or []))
        facts = replace(facts, data={**facts.data, "meeting_record": record_text})
    issued = []
    for kind in kinds:
        spec = KINDS.get(kind)
        if spec is None or not spec.issued_when(facts):
            continue
        number = facts.text(spec.number_key) if spec.number_key else issue_number(uow, ctx.config, kind).text
        built = compose(kind, facts, number, issuing_day(ctx, uow), issuing_body(ctx))
        content: DocumentContent | TemplatedContent = built
        if template := (templates or {}).get(kind):
            # Kept in the blob store by its hash: the document is rendered from it after the step.
            stores.store(ctx).put(uow.session, template)
            content = templated(template, facts, built)
        issued.append(keep(ctx, uow, case, kind, content, actor, record, step))
    # The unit whose case it is hears of its ruling in the same transaction that issues the letter.
    work.ruling_issued(uow.session, case, [i.kind for i in issued], uow.now)
    return issued
