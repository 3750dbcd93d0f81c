"""Evidence attachments through the API: upload, list and download with hashes, new versions, refusals that store
nothing, the unit boundary, the audit trail, and the store each database uses."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.context import EngineContext
from engine.files import stores
from engine.persistence.models import Attachment, AttachmentBlob
from tests.support import files
from tests.support.client import ApiUser, start


def send(user: ApiUser, case_id: int, content: bytes, name: str, expect: int = 201, **form: Any) -> Any:
    """Upload one file to the case as multipart, with form fields beside it."""
    data = {**{k: str(v) for k, v in form.items()}, "file": (io.BytesIO(content), name)}
    return user.call("POST", f"/cases/{case_id}/attachments", expect, data=data, content_type="multipart/form-data")


def configure(app: Flask, **settings: Any) -> None:
    """Change the running app's settings (the size limit, the store)."""
    ctx: EngineContext = app.extensions["rcjc"]
    ctx.config = dataclasses.replace(ctx.config, settings={**ctx.config.settings, **settings})


def fetch(user: ApiUser, case_id: int, attachment_id: int, expect: int = 200) -> Any:
    """Download a file; the response is read whole and closed (the file behind it too)."""
    return user.get(f"/cases/{case_id}/attachments/{attachment_id}", expect, buffered=True)


def stored(ctx: EngineContext) -> tuple[int, int]:
    with ctx.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Attachment)) or 0,
                session.scalar(select(func.count()).select_from(AttachmentBlob)) or 0)


def test_upload_list_and_download_round_trip_with_the_hash(users: dict[str, ApiUser], deployed: EngineContext) -> None:
    case = start(users)
    added = send(users["applicant"], case["id"], files.PDF, "会议纪要.pdf", note="党组会议纪要")
    digest = hashlib.sha256(files.PDF).hexdigest()
    assert added["sha256"] == digest and added["size"] == len(files.PDF) and added["content_type"] == "application/pdf"
    assert added["file_name"] == "会议纪要.pdf" and added["replaces"] is None and added["replaced_by"] is None
    assert "示例区发展和改革局" in added["uploaded_by"] and added["note"] == "党组会议纪要"
    listed = users["intake"].get(f"/cases/{case['id']}/attachments")
    assert listed["total"] == 1 and listed["items"][0]["id"] == added["id"]
    response = fetch(users["intake"], case['id'], added['id'])
    assert hashlib.sha256(response.data).hexdigest() == digest
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"filename*=UTF-8''{quote('会议纪要.pdf')}" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_a_replacement_is_a_new_version_and_the_old_one_stays(users: dict[str, ApiUser]) -> None:
    case_id = start(users)["id"]
    first = send(users["applicant"], case_id, files.PDF, "说明.pdf")
    second = send(users["intake"], case_id, files.DOCX, "说明（修订）.docx", replaces=first["id"])
    assert second["replaces"] == first["id"]
    items = {a["id"]: a for a in users["applicant"].get(f"/cases/{case_id}/attachments")["items"]}
    assert items[first["id"]]["replaced_by"] == second["id"] and items[first["id"]]["sha256"] == first["sha256"]
    again = send(users["applicant"], case_id, files.PNG, "说明.png", expect=409, replaces=first["id"])
    assert "新版本" in again["error"]["message"]
    assert fetch(users["applicant"], case_id, first['id']).data == files.PDF


@pytest.mark.parametrize(("content", "name", "status", "words"), [
    (files.PE, "evidence.pdf", 400, "不支持此类文件"),
    (files.ELF, "evidence.pdf", 400, "不支持此类文件"),
    (files.PDF, "../../etc/passwd", 400, "路径"),
    (b"", "empty.pdf", 400, "空"),
    (files.PDF + b"\x00" * 2000, "large.pdf", 413, "大小上限"),
])
def test_bad_files_are_refused_clearly_and_nothing_is_stored(
    app: Flask, users: dict[str, ApiUser], deployed: EngineContext, content: bytes, name: str, status: int, words: str,
) -> None:
    configure(app, attachment_max_bytes=1024)
    case_id = start(users)["id"]
    refused = send(users["applicant"], case_id, content, name, expect=status)
    assert words in refused["error"]["message"] + str(refused["error"]["fields"])
    assert stored(deployed) == (0, 0)
    assert users["applicant"].get(f"/cases/{case_id}/attachments")["items"] == []
    folder = stores.default_folder(deployed)
    assert folder is None or not folder.exists() or not any(folder.rglob("*"))


def test_another_units_applicant_gets_404_everywhere_and_the_own_unit_works(users: dict[str, ApiUser]) -> None:
    case_id = start(users)["id"]
    added = send(users["applicant"], case_id, files.PDF, "a.pdf")
    other = users["other_applicant"]
    refused = [other.get(f"/cases/{case_id}/attachments", expect=404),
               send(other, case_id, files.PDF, "b.pdf", expect=404),
               fetch(other, case_id, added['id'], 404)]
    assert all(r["error"]["code"] == "not_found" for r in refused)
    assert users["applicant"].get(f"/cases/{case_id}/attachments")["total"] == 1
    # A reader who handles no step may read but not add; another case's file is not found through this one.
    other_case = start(users)["id"]
    fetch(users["applicant"], other_case, added['id'], 404)


def test_uploads_and_downloads_are_in_the_audit_trail_with_hashes_and_leave_the_version(
    users: dict[str, ApiUser],
) -> None:
    case_id = start(users)["id"]
    version = users["supervisor"].get(f"/cases/{case_id}")["lock_version"]
    added = send(users["applicant"], case_id, files.PDF, "a.pdf")
    fetch(users["intake"], case_id, added['id'])
    trail = users["supervisor"].get(f"/cases/{case_id}/audit")
    assert trail["chain_ok"]
    events = {e["event"]: e for e in trail["items"]}
    assert events["attachment_added"]["details"]["sha256"] == added["sha256"]
    assert events["attachment_downloaded"]["actor"] == "intake"
    assert events["attachment_downloaded"]["details"]["sha256"] == added["sha256"]
    assert users["supervisor"].get(f"/cases/{case_id}")["lock_version"] == version


def test_each_database_uses_its_store(users: dict[str, ApiUser], deployed: EngineContext, app: Flask) -> None:
    case_id = start(users)["id"]
    added = send(users["applicant"], case_id, files.PNG, "photo.png")
    with deployed.sessions() as session:
        row = session.get(Attachment, added["id"])
        assert row is not None
        blob = session.get(AttachmentBlob, added["sha256"])
    if deployed.db.dialect.name == "postgresql":
        assert row.store == "database" and blob is not None and blob.content == files.PNG
    else:
        folder = stores.default_folder(deployed)
        assert row.store == "filesystem" and blob is None and folder is not None
        assert (folder / added["sha256"][:2] / added["sha256"]).read_bytes() == files.PNG
    # Switching the store keeps earlier files readable: each row names the store that holds it.
    configure(app, attachment_store="database")
    moved = send(users["applicant"], case_id, files.OFD, "公文.ofd")
    assert moved["content_type"] == "application/ofd"
    assert fetch(users["intake"], case_id, added['id']).data == files.PNG
    assert fetch(users["intake"], case_id, moved['id']).data == files.OFD


def test_the_filesystem_store_writes_once_per_content(tmp_path: Path, deployed: EngineContext) -> None:
    store = stores.FilesystemStore(tmp_path / "blobs")
    with deployed.sessions() as session:
        key = store.put(session, files.PDF)
        assert store.put(session, files.PDF) == key
        with store.open(session, key) as kept:
            assert kept.read() == files.PDF
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [key]
