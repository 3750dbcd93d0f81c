"""Evidence attachments: adding a file (or a new version of one) to a case, and reading one back; each audited.

Both use cases lock the case row, which orders them with the case's other events in its audit chain. They leave the
case's version alone (see case_rows.write_audit_head): a file is evidence beside the workflow, not a step of it.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.access import policy
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, NotFound
from engine.files import stores
from engine.persistence import case_rows
from engine.persistence.case_rows import CaseRow
from engine.persistence.models import Attachment, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure.attachment_rows import Download, Upload, added_details, store_row
from engine.procedure.services import record_event


def readable_case(uow: UnitOfWork, actor: Actor, case_id: int) -> CaseRow:
    case = case_rows.lock(uow.session, case_id)
    if case is None or not policy.may_view_case(uow.session, actor, case):
        raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
    return case


def _replaced(uow: UnitOfWork, case_id: int, replaces: int | None) -> Attachment | None:
    if replaces is None:
        return None
    old = uow.session.get(Attachment, replaces)
    if old is None or old.case_id != case_id:
        raise NotFound("要替换的附件不存在")
    if uow.session.scalar(select(Attachment.id).where(Attachment.replaces_id == old.id)) is not None:
        raise Conflict("该附件已有新版本，请替换最新版本")
    return old


def _step(uow: UnitOfWork, case_id: int, task_id: str | None) -> str | None:
    """The BPMN id of the case's open task the file is attached to."""
    if task_id is None:
        return None
    bpmn_id = uow.session.scalar(select(TaskIndex.bpmn_id).where(TaskIndex.id == task_id, TaskIndex.case_id == case_id))
    if bpmn_id is None:
        raise NotFound("任务不存在")
    return bpmn_id


def add_attachment(ctx: EngineContext, actor: Actor, case_id: int, upload: Upload) -> int:
    """Attach a file to a case (a replacement is a new version pointing at the one it replaces); returns its id.

    Raises: NotFound (case, replaced file or step not visible), Forbidden, FormInvalid (FileTooLarge), Conflict.
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = readable_case(uow, actor, case_id)
        if not policy.may_add_files(uow.session, actor, case):
            raise Forbidden("只有办理本案的人员可以上传附件")
        old = _replaced(uow, case_id, upload.replaces)
        bpmn_id = _step(uow, case_id, upload.task_id)
        row = store_row(ctx, uow, actor, case_id, upload, bpmn_id, old.id if old else None)
        record_event(uow, case, "attachment_added", actor, task_id=row.task_id, bpmn_id=bpmn_id,
                     details=added_details(row))
        case_rows.write_audit_head(uow.session, case)
        added = row.id
        uow.commit()
        return added


def open_attachment(ctx: EngineContext, actor: Actor, case_id: int, attachment_id: int) -> Download:
    """A file of a case for someone who may read the case; the download is recorded in the case's audit trail.

    Raises: NotFound (case or file not visible, or its content missing).
    """
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        case = readable_case(uow, actor, case_id)
        row = uow.session.get(Attachment, attachment_id)
        if row is None or row.case_id != case_id:
            raise NotFound("附件不存在")
        record_event(uow, case, "attachment_downloaded", actor, details={
            "attachment": row.id, "name": row.file_name, "sha256": row.sha256, "size": row.size,
        })
        case_rows.write_audit_head(uow.session, case)
        content = stores.store(ctx, row.store).open(uow.session, row.sha256)
        found = Download(row.id, row.file_name, row.media_type, row.size, row.sha256, content)
        try:
            uow.commit()
        except BaseException:
            content.close()
            raise
        return found
