"""Tasks: my inbox and my groups' queues, one task with its form, claim, release and complete."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from engine.errors import Forbidden
from engine.procedure import services
from engine.reading import queries

from ..context import engine_context
from .access import ApiBlueprint, current_actor
from .errors import ErrorSchema
from .schemas import CompleteTaskSchema, CompletionSchema, TaskFilterArgs, TaskListSchema, TaskSchema

bp = ApiBlueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="待办任务")


def task_payload(task_id: str) -> dict[str, Any]:
    """The task with its form and current values, as the caller may see it."""
    ctx = engine_context()
    now = ctx.clock.now()
    with ctx.sessions() as session:
        task = queries.task_view(ctx, session, current_actor(), task_id, now)
    return {**task, "working_days_left": _days_left(task["due_at"], now)}


def _days_left(due_at: datetime | None, now: datetime) -> int | None:
    return engine_context().calendar.working_days_left(due_at, now) if due_at else None


@bp.get("")
@bp.arguments(TaskFilterArgs, location="query")
@bp.response(200, TaskListSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是该用户组成员")
def list_tasks(args: dict[str, Any]) -> dict[str, Any]:
    """Open tasks: mine=true those assigned to me, group=G the unclaimed ones of my group G; neither gives both."""
    actor = current_actor()
    group = args.get("group")
    if group and group not in actor.groups:
        raise Forbidden("您不是该用户组的成员")
    ctx = engine_context()
    now = ctx.clock.now()
    page, per_page = args["page"], args["per_page"]
    start = (page - 1) * per_page
    with ctx.sessions() as session:
        # Mine first, then the queue: one window over the two lists, each read a window at a time in SQL.
        items: list[queries.InboxItem] = []
        total = 0
        if args.get("mine") or not group:
            items, total = queries.inbox_page(session, actor, now, queries.InboxQuery(True), start, per_page)
        if group or not args.get("mine"):
            queue, queued = queries.inbox_page(session, actor, now, queries.InboxQuery(False, group or ""),
                                               max(0, start - total), per_page - len(items))
            items, total = items + queue, total + queued
    return {"items": [asdict(t) | {"id": t.task_id, "working_days_left": _days_left(t.due_at, now)} for t in items],
            "total": total, "page": page, "per_page": per_page}


@bp.get("/<task_id>")
@bp.response(200, TaskSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(404, schema=ErrorSchema, description="任务不存在或无权查看")
@bp.alt_response(409, schema=ErrorSchema, description="任务已办理")
def get_task(task_id: str) -> dict[str, Any]:
    """The task with its form-js definition, current values and the case data the caller may see."""
    return task_payload(task_id)


@bp.post("/<task_id>/claim")
@bp.response(200, TaskSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不属于您的用户组或须回避")
@bp.alt_response(404, schema=ErrorSchema, description="任务不存在")
@bp.alt_response(409, schema=ErrorSchema, description="已由他人认领或已办理")
def claim(task_id: str) -> dict[str, Any]:
    """Take the task from the group's queue."""
    services.claim_task(engine_context(), current_actor(), task_id)
    return task_payload(task_id)


@bp.post("/<task_id>/release")
@bp.response(200, TaskSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="不是认领人")
@bp.alt_response(404, schema=ErrorSchema, description="任务不存在")
@bp.alt_response(409, schema=ErrorSchema, description="任务已办理")
def release(task_id: str) -> dict[str, Any]:
    """Put the task back into its group's queue."""
    services.release_task(engine_context(), current_actor(), task_id)
    return task_payload(task_id)


@bp.post("/<task_id>/complete")
@bp.arguments(CompleteTaskSchema)
@bp.response(200, CompletionSchema)
@bp.alt_response(401, schema=ErrorSchema, description="未登录")
@bp.alt_response(403, schema=ErrorSchema, description="无权办理")
@bp.alt_response(404, schema=ErrorSchema, description="任务不存在")
@bp.alt_response(409, schema=ErrorSchema, description="任务已办理，或案件已被他人更新")
@bp.alt_response(422, schema=ErrorSchema, description="流程执行失败，案件已标记为出错，输入已保留")
def complete(body: dict[str, Any], task_id: str) -> dict[str, Any]:
    """Submit the task's form; the answer says where the case stands as far as the caller may see it.

    A refused form leaves the task open and answers 400 with per-field messages.
    """
    actor = current_actor()
    result = services.complete_task(engine_context(), actor, task_id, body["data"], body.get("expected_version"),
                                    view=lambda session, case, rows: queries.step_view_of(session, actor, case, rows))
    assert result.view is not None
    return result.view
