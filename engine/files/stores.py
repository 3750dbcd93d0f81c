"""Where the bytes of attachments live: immutable blobs addressed by their SHA-256, behind one small interface.

The filesystem store keeps them in a folder (by default `attachments/` beside the SQLite database, which is the
instance folder); the database store keeps them in a table, so that every node of a PostgreSQL deployment reads the
same files; the S3 store keeps them as objects of a bucket of S3-compatible storage (engine/files/s3_store.py).
A blob is never changed or deleted here: the same content is the same key, kept once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from engine.config import DEFAULT_SETTINGS
from engine.context import EngineContext
from engine.errors import NotFound
from engine.files.s3_store import S3, S3Store
from engine.persistence.models import AttachmentBlob

KEY = re.compile(r"^[0-9a-f]{64}$")
FILESYSTEM = "filesystem"
DATABASE = "database"


def key_of(content: bytes) -> str:
    """The key a blob is stored under: the hex SHA-256 of its content."""
    return hashlib.sha256(content).hexdigest()


def _missing() -> NotFound:
    return NotFound("附件的文件内容缺失，请联系系统管理员")


class BlobStore(Protocol):
    """Keeps immutable blobs; `session` is the use case's transaction (the database store writes in it)."""

    kind: str

    def put(self, session: Session, content: bytes) -> str:
        """Keep `content`; return its key (the same content gives the same key and is kept once)."""
        ...

    def open(self, session: Session, key: str) -> BinaryIO:
        """The content kept under `key`. Raises: NotFound when there is none."""
        ...


class FilesystemStore:
    """Blobs as files `<root>/<first two hex digits>/<sha256>`, each written under a temporary name and renamed."""

    kind = FILESYSTEM

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise _missing()
        return self.root / key[:2] / key

    def put(self, session: Session, content: bytes) -> str:
        """Write the file once; a reader never sees it half-written (rename is atomic on one file system)."""
        key = key_of(content)
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".{key}.{secrets.token_hex(8)}")
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(spare, path)
        finally:
            spare.unlink(missing_ok=True)
        return key

    def open(self, session: Session, key: str) -> BinaryIO:
        """The file's content (read whole and closed at once: no handle outlives a client that never closes)."""
        try:
            return io.BytesIO(self._path(key).read_bytes())
        except FileNotFoundError as exc:
            raise _missing() from exc


_INSERT_BLOB = {
    "postgresql": postgresql.insert(AttachmentBlob).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(AttachmentBlob).on_conflict_do_nothing(),
}


class DatabaseStore:
    """Blobs as rows of attachment_blob, written in the use case's own transaction."""

    kind = DATABASE

    def put(self, session: Session, content: bytes) -> str:
        """Insert the row unless the same content is already kept."""
        key = key_of(content)
        statement = _INSERT_BLOB[session.get_bind().dialect.name]
        session.execute(statement.values(sha256=key, size=len(content), content=content))
        return key

    def open(self, session: Session, key: str) -> BinaryIO:
        """The row's content."""
        content = session.scalar(select(AttachmentBlob.content).where(AttachmentBlob.sha256 == key))
        if content is None:
            raise _missing()
        return io.BytesIO(content)


def default_folder(ctx: EngineContext) -> Path | None:
    """`attachments/` beside the SQLite database file (the instance folder by default); None for other databases."""
    url = make_url(ctx.db.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).parent / "attachments"


def configured_kind(ctx: EngineContext) -> str:
    """The store new files go to: as configured, else the database on PostgreSQL and a folder on SQLite."""
    chosen = str(ctx.config.settings.get("attachment_store", DEFAULT_SETTINGS["attachment_store"]))
    if chosen in (FILESYSTEM, DATABASE, S3):
        return chosen
    if ctx.db.dialect.name == "postgresql" or not (ctx.config.settings.get("attachment_dir") or default_folder(ctx)):
        return DATABASE
    return FILESYSTEM


def store(ctx: EngineContext, kind: str | None = None) -> BlobStore:
    """The store of this kind (the configured one when None)."""
    kind = kind or configured_kind(ctx)
    if kind == DATABASE:
        return DatabaseStore()
    if kind == S3:
        settings = ctx.config.settings
        return S3Store(str(settings.get("s3_bucket") or ""), str(settings.get("s3_prefix") or ""),
                       str(settings.get("s3_endpoint") or "") or None, str(settings.get("s3_region") or "") or None)
    folder = str(ctx.config.settings.get("attachment_dir") or "") or default_folder(ctx)
    if not folder:
        raise ValueError("attachment_store = filesystem needs attachment_dir (RCJC_ATTACHMENT_DIR)")
    return FilesystemStore(Path(folder))
