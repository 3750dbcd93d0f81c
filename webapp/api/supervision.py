"""Supervisors' actions on selections of cases and tasks, and everyone's notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma

from engine.access.policy import Actor, ensure_supervisor
from engine.context import EngineContext
from engine.errors import FormInvalid
from engine.notifications import choices, inbox
from engine.procedure import repair, supervision

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import (
    NotificationArgs,
    NotificationListSchema,
    OutcomeListSchema,
    ReassignSchema,
    RemindedSchema,
    RemindSchema,
    RepairSchema,
    Strict,
    TaskOutcomeListSchema,
)

bp = ApiBlueprint("supervision", __name__, url_prefix="/api/v1", description="监督与通知")


class NoticeChoiceSchema(Strict):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(choices.KINDS), metadata={
        "description": "new_task, reassigned, supplement_requested, ruling_issued, reminder, escalation"})
    in_app = ma.fields.Boolean(required=True, metadata={"description": "shown in the app (off: not written at all)"})
    mail = ma.fields.Boolean(required=True, metadata={"description": "also mailed, to a user with an email address"})


class NoticeSettingsSchema(Strict):
    items = ma.fields.List(ma.fields.Nested(NoticeChoiceSchema), required=True,
                           validate=ma.validate.Length(max=len(choices.KINDS)),
                           metadata={"description": "kinds not named keep the defaults: in the app, not mailed"})


def _action(ctx: EngineContext, actor: Actor, body: dict[str, Any]) -> Callable[[int], object]:
    """The repair to apply to each case of the selection."""
    action, reason = body["action"], body.get("reason", "")
    if action == "retry":
        return lambda case_id: repair.retry(ctx, actor, case_id, body.get("data"))
    if action == "skip":
        if not body.get("bpmn_id"):
            raise FormInvalid({"bpmn_id": ["跳过环节时请指明环节（bpmn_id）"]})
        return lambda case_id: repair.skip_step(ctx, actor, case_id, body["bpmn_id"], reason)
    if action == "suspend":
        return lambda case_id: repair.suspend(ctx, actor, case_id, reason)
    if action == "resume":
        return lambda case_id: repair.resume(ctx, actor, case_id, reason)
    if action == "terminate":
        return lambda case_id: repair.terminate(ctx, actor, case_id, reason)
    return lambda case_id: repair.migrate(ctx, actor, case_id)


@bp.post("/cases/repair")
@bp.arguments(RepairSchema)
@bp.response(200, OutcomeListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
def repair_cases(body: dict[str, Any]) -> dict[str, Any]:
    """Retry, skip, suspend, resume, terminate or migrate each case of a selection; the outcome per case."""
    actor = current_actor()
    ensure_supervisor(actor)  # before the reason check: a caller who may not repair is told so first
    if body["action"] in ("skip", "suspend", "terminate") and not (body.get("reason") or "").strip():
        raise FormInvalid({"reason": ["请说明理由"]})
    outcomes = repair.bulk(body["case_ids"], _action(engine_context(), actor, body))
    return {"items": outcomes, "total": len(outcomes), "succeeded": sum(o.ok for o in outcomes)}


@bp.post("/tasks/reassign")
@bp.arguments(ReassignSchema)
@bp.response(200, TaskOutcomeListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
def reassign_tasks(body: dict[str, Any]) -> dict[str, Any]:
    """Give each task of a selection to another member of its group; the outcome per task."""
    items = supervision.reassign_many(engine_context(), current_actor(), (str(t) for t in body["task_ids"]),
                                      body["assignee"])
    return {"items": items, "total": len(items), "succeeded": sum(i.ok for i in items)}


@bp.post("/tasks/<task_id>/remind")
@bp.arguments(RemindSchema)
@bp.response(200, RemindedSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是监督人员")
@bp.alt_response(404, schema=ErrorSchema, description="任务不存在")
@bp.alt_response(409, schema=ErrorSchema, description="任务已办理")
def remind(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Remind whoever holds the task (or everyone who may take it)."""
    names = supervision.remind(engine_context(), current_actor(), task_id, body["note"])
    return {"reminded": names}


@bp.get("/notifications")
@bp.arguments(NotificationArgs, location="query")
@bp.response(200, NotificationListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def notifications(args: dict[str, Any]) -> dict[str, Any]:
    """My notifications, newest first, a page at a time (only the unread ones with unread=true)."""
    found = inbox.notifications_of(engine_context(), current_actor().username, args["page"], args["per_page"],
                                   bool(args.get("unread")))
    return {"items": found.items, "total": found.total, "unread": found.unread, "page": found.page,
            "per_page": found.per_page}


@bp.post("/notifications/read")
@bp.response(204)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def mark_read() -> None:
    """Mark all my notifications read."""
    inbox.mark_all_read(engine_context(), current_actor().username)


@bp.get("/notifications/settings")
@bp.response(200, NoticeSettingsSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def notice_settings() -> dict[str, Any]:
    """Which kinds of notification I receive in the app and by mail."""
    return {"items": choices.choices_of(engine_context(), current_actor().username)}


@bp.put("/notifications/settings")
@bp.arguments(NoticeSettingsSchema)
@bp.response(200, NoticeSettingsSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
def save_notice_settings(body: dict[str, Any]) -> dict[str, Any]:
    """Choose which kinds of notification I receive in the app and by mail."""
    chosen = [choices.Choice(i["kind"], i["in_app"], i["mail"]) for i in body["items"]]
    return {"items": choices.save_choices(engine_context(), current_actor().username, chosen)}
