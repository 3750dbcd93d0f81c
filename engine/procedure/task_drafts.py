"""Drafts: a handler saves unfinished input of a task they hold and finds it again on return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from engine.access.policy import Actor
from engine.bundles import form_submissions
from engine.context import EngineContext
from engine.errors import Forbidden, FormInvalid, NotFound
from engine.persistence.db import connection
from engine.persistence.models import Case, TaskDraft, TaskIndex, table
from engine.persistence.prepared import Prepared
from engine.persistence.uow import UnitOfWork

MAX_DRAFT_CHARS = 200_000


def save_draft(ctx: EngineContext, actor: Actor, task_id: str, data: Mapping[str, Any]) -> None:
    """Keep the handler's unvalidated input for a task they have claimed (only the form's own keys).

    Raises: NotFound, Forbidden, FormInvalid (too large or not plain data).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        row = uow.session.get(TaskIndex, task_id)
        if row is None:
            raise NotFound("任务不存在")
        if row.assignee != actor.username:
            raise Forbidden("请先认领该任务再保存")
        case = uow.session.get(Case, row.case_id)
        assert case is not None  # the task index row cascades with its case
        keys = set(ctx.bundle_of_version(uow.session, case.process_version_id).form(row.form_key).keys)
        kept = {k: v for k, v in data.items() if k in keys}
        if form_submissions.has_typename(kept) or len(repr(kept)) > MAX_DRAFT_CHARS:
            raise FormInvalid({"_schema": ["草稿内容无效或过大"]})
        uow.session.merge(TaskDraft(task_id=task_id, username=actor.username, case_id=row.case_id, data=kept,
                                    saved_at=uow.now))
        uow.commit()


def load_draft(ctx: EngineContext, actor: Actor, task_id: str) -> dict[str, Any] | None:
    """The actor's saved input for a task, if any."""
    with ctx.sessions() as session:
        found = session.scalar(select(TaskDraft.data).where(TaskDraft.task_id == task_id,
                                                            TaskDraft.username == actor.username))
        return dict(found) if found is not None else None


DRAFTS = table(TaskDraft)
# On every completed step: prepared like the rest of that path rather than run through the ORM.
_DISCARD = Prepared(delete(DRAFTS).where(DRAFTS.c.task_id == bindparam("task_id")))


def discard_drafts(session: Session, task_id: str) -> None:
    """Drop every draft of a task in the transaction that completes it (nothing is left behind for anyone)."""
    _DISCARD.run(connection(session), {"task_id": task_id})
