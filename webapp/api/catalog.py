"""Deployed processes, new deployments (process owners) and external events (messages)."""

from __future__ import annotations

import posixpath
from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from werkzeug.datastructures import FileStorage

from engine.errors import Forbidden, FormInvalid, ModelInvalid, Problem
from engine.library.deploy import deploy
from engine.procedure import services
from engine.reading import catalog

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .cases import case_payload
from .errors import ErrorSchema
from .schemas import CaseSchema, DeploymentSchema, MessageSchema, ProcessListSchema

bp = ApiBlueprint("catalog", __name__, url_prefix="/api/v1", description="流程与部署")

MAX_FILES = 100


class FilesSchema(ma.Schema):
    files = ma.fields.List(Upload(), required=True, metadata={"description": ".bpmn, .dmn and form .json files"})


@bp.get("/processes")
@bp.response(200, ProcessListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def processes() -> dict[str, Any]:
    """The newest deployed version of every process, with its start forms."""
    ctx = engine_context()
    with ctx.sessions() as session:
        found = catalog.deployed_processes(ctx, session, current_actor())
    return {"items": found, "total": len(found)}


def _read_files(uploads: list[FileStorage]) -> dict[str, bytes]:
    """Uploaded files by their base name; duplicate or empty names are refused as field errors."""
    if not uploads or len(uploads) > MAX_FILES:
        raise FormInvalid({"files": [f"请上传 1 到 {MAX_FILES} 个文件"]})
    files: dict[str, bytes] = {}
    for upload in uploads:
        name = posixpath.basename((upload.filename or "").replace("\\", "/")).strip()
        if not name:
            raise FormInvalid({"files": ["文件名不能为空"]})
        if name in files:
            raise FormInvalid({"files": [f"文件 {name} 重复"]})
        files[name] = upload.read()
    return files


@bp.post("/deployments")
@bp.arguments(FilesSchema, location="files")
@bp.response(201, DeploymentSchema)
@bp.alt_response(200, schema=DeploymentSchema, description="同样内容的版本已部署过")
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是流程管理员")
@bp.alt_response(413, schema=ErrorSchema, description="上传内容过大")
@bp.alt_response(422, schema=ErrorSchema, description="模型有误：fields.problems 列出 file、line、reason")
def create_deployment(args: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Deploy BPMN, DMN and form files as a new immutable version (process owners only)."""
    actor = current_actor()
    if "process_owner" not in actor.groups:
        raise Forbidden("只有流程管理员可以部署流程")
    files = _read_files(args["files"])
    try:
        result = deploy(engine_context(), actor, files)
    except UnicodeError as exc:  # a file name the database cannot store
        raise ModelInvalid([Problem("", None, f"文件名无效：{exc}")]) from exc
    body = {"deployment_id": result.deployment_id, "bundle_hash": result.bundle_hash, "created": result.created,
            "versions": result.versions}
    return body, 201 if result.created else 200


@bp.post("/messages/<string:name>")
@bp.arguments(MessageSchema)
@bp.response(200, CaseSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="案件不存在")
@bp.alt_response(409, schema=ErrorSchema, description="案件当前不在等待该消息")
@bp.alt_response(422, schema=ErrorSchema, description="流程执行失败")
def deliver(message: dict[str, Any], name: str) -> dict[str, Any]:
    """Deliver an external event (such as supplementary materials) to the case named by the correlation."""
    ctx = engine_context()
    actor = current_actor()
    result = services.deliver_message(ctx, actor, message["correlation"]["case_id"], name[:100], message["payload"])
    return case_payload(actor, result.case_id)
