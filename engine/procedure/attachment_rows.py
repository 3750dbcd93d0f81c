"""Files as the case keeps them: checking an upload, writing its row and blob, and the ids a step's form names.

Nothing here records events or commits: the use cases (engine/procedure/attachments.py, and starting or completing
a step with files in engine/procedure/services.py) do that in their own transactions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import select

from engine.access.policy import Actor
from engine.bundles.form_definitions import FILE_TYPES, FormDefinition
from engine.config import DEFAULT_SETTINGS
from engine.context import EngineContext
from engine.errors import FileTooLarge, FormInvalid, Message
from engine.files import sniff, stores
from engine.persistence.models import Attachment
from engine.persistence.uow import UnitOfWork

MAX_NOTE = 500


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name as the sender gave it, its bytes (at most the limit plus one) and a note."""

    file_name: str
    content: bytes
    note: str | None = None
    replaces: int | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class Download:
    """A file to send: its name, type, size and hash, and its content."""

    id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    content: BinaryIO


def max_bytes(ctx: EngineContext) -> int:
    """The configured size limit per file."""
    return int(ctx.config.settings.get("attachment_max_bytes", DEFAULT_SETTINGS["attachment_max_bytes"]))


def size_text(size: int) -> str:
    """A size for a message: 50 MB, 200 KB, 12 字节."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} 字节"


def checked(ctx: EngineContext, upload: Upload) -> tuple[str, str]:
    """The cleaned name and the media type of an acceptable file.

    Raises: FormInvalid (FileTooLarge) for an empty file, one over the limit, a path as name or a kind not accepted.
    """
    name = sniff.clean_name(upload.file_name)
    limit = max_bytes(ctx)
    if not upload.content:
        raise FormInvalid({"file": ["文件是空的，请选择有内容的文件"]})
    if len(upload.content) > limit:
        raise FileTooLarge({"file": [Message("文件超过了大小上限（每个文件最大 %(limit)s）", limit=size_text(limit))]})
    media_type = sniff.detect(upload.content, name)
    if media_type is None:
        raise FormInvalid({"file": [Message("不支持此类文件（按文件内容判断），可以上传：%(accepted)s",
                                            accepted=sniff.ACCEPTED)]})
    return name, media_type



def store_row(ctx: EngineContext, uow: UnitOfWork, actor: Actor, case_id: int, upload: Upload, bpmn_id: str | None,
              replaces: int | None = None) -> Attachment:
    """Check the upload, keep its bytes and write its row (flushed, so it has an id). Raises: FormInvalid."""
    name, media_type = checked(ctx, upload)
    note = " ".join((upload.note or "").split())[:MAX_NOTE] or None
    blobs = stores.store(ctx)
    key = blobs.put(uow.session, upload.content)
    row = Attachment(case_id=case_id, replaces_id=replaces, file_name=name, size=len(upload.content),
                     media_type=media_type, sha256=key, store=blobs.kind, uploaded_by=actor.username,
                     uploaded_at=uow.now, task_id=upload.task_id if bpmn_id else None, bpmn_id=bpmn_id, note=note)
    uow.session.add(row)
    uow.session.flush()
    return row


def added_details(row: Attachment) -> dict[str, Any]:
    """What the audit trail keeps of an added file."""
    return {"attachment": row.id, "name": row.file_name, "sha256": row.sha256, "size": row.size,
            "media_type": row.media_type, "replaces": row.replaces_id, "note": row.note}


def file_keys(form: FormDefinition) -> tuple[str, ...]:
    """The keys of the form's file pickers."""
    return tuple(fd.key for fd in form.fields if fd.type in FILE_TYPES and not fd.readonly)


def check_references(uow: UnitOfWork, case_id: int, form: FormDefinition, values: Mapping[str, Any],
                     allowed: Collection[int] = ()) -> None:
    """Every attachment a file picker names is one of this case's files. Raises: FormInvalid naming the field."""
    errors: dict[str, list[str]] = {}
    for key in file_keys(form):
        wanted = {i for i in values.get(key) or [] if isinstance(i, int)} - set(allowed)
        if not wanted:
            continue
        found = set(uow.session.scalars(select(Attachment.id).where(Attachment.id.in_(wanted),
                                                                    Attachment.case_id == case_id)))
        if wanted - found:
            errors[key] = ["所选的附件不是本案的附件"]
    if errors:
        raise FormInvalid(errors)
