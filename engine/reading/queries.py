"""The read side: inboxes and case views, from the task index and case rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from engine.access import disclosure, policy, users
from engine.access.policy import Actor
from engine.bundles.definitions import Bundle
from engine.context import EngineContext
from engine.errors import NotFound
from engine.persistence.case_rows import CaseRow
from engine.persistence.db import connection
from engine.persistence.models import AuditEvent, Case, CaseHandler, TaskIndex, table
from engine.persistence.prepared import Prepared
from engine.procedure import runtime, workflow_store
from engine.reading import case_file
from engine.reading.case_file import FileSection
from engine.reading.text_search import each_word


@dataclass(frozen=True)
class InboxItem:
    """One open task as an inbox shows it."""

    task_id: str
    case_id: int
    bpmn_id: str
    name: str
    group: str
    candidate: str | None
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    due_provisional: bool
    overdue: bool
    cadre_name: str | None
    matter: str | None


def _items(session: Session, query: Any, now: datetime) -> list[InboxItem]:
    rows = session.execute(query.join(Case, Case.id == TaskIndex.case_id).add_columns(Case.cadre_name, Case.matter))
    return [
        InboxItem(t.id, t.case_id, t.bpmn_id, t.name, t.group_key, t.candidate, t.assignee, t.created_at, t.due_at,
                  t.due_provisional, bool(t.due_at and t.due_at < now), cadre, matter)
        for t, cadre, matter in rows
    ]


@dataclass(frozen=True)
class InboxQuery:
    """Which open tasks: mine (claimed by me) or my groups' queue, of one group, matching words, overdue only."""

    mine: bool
    group: str = ""
    q: str = ""
    overdue: bool = False
    sort: str = "due"


# Each sort ends on the task id, so that pages never overlap or skip a row.
INBOX_SORTS: dict[str, tuple[Any, ...]] = {
    "due": (TaskIndex.due_at.is_(None), TaskIndex.due_at, TaskIndex.created_at, TaskIndex.id),
    "waiting": (TaskIndex.created_at, TaskIndex.id),
    "case": (TaskIndex.case_id, TaskIndex.created_at, TaskIndex.id),
}


def inbox_page(session: Session, actor: Actor, now: datetime, query: InboxQuery, offset: int = 0,
               limit: int = 50) -> tuple[list[InboxItem], int]:
    """A window of the actor's claimed tasks or of their groups' queue, filtered and sorted in SQL; with the total."""
    where: list[Any] = [TaskIndex.assignee == actor.username] if query.mine else [policy.takeable_tasks(actor)]
    if query.group:
        where.append(TaskIndex.group_key == query.group)
    if query.overdue:
        where += [TaskIndex.due_at.is_not(None), TaskIndex.due_at < now]
    words = each_word(query.q, Case.cadre_name, Case.matter, TaskIndex.name)
    joined = select(func.count()).select_from(TaskIndex).join(Case, Case.id == TaskIndex.case_id) if words else \
        select(func.count()).select_from(TaskIndex)
    total = session.scalar(joined.where(*where, *words)) or 0
    order = INBOX_SORTS.get(query.sort, INBOX_SORTS["due"])
    if limit <= 0 or offset >= total:
        return [], total
    # The window of task ids first, from the task index alone; then those rows with their cases. Joined before
    # the limit, PostgreSQL hashes the whole case table to keep fifty rows.
    ids = select(TaskIndex.id)
    ids = ids.join(Case, Case.id == TaskIndex.case_id) if words else ids
    window = ids.where(*where, *words).order_by(*order).limit(limit).offset(offset).subquery()
    return _items(session, select(TaskIndex).join(window, window.c.id == TaskIndex.id).order_by(*order), now), total


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """The case if the actor may read it; NotFound otherwise, so that hidden cases do not leak."""
    case = session.get(Case, case_id)
    if case is None or not policy.may_view_case(session, actor, case):
        raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
    return case


def _open_task(t: Any, rd: disclosure.Reader) -> dict[str, Any]:
    return {"id": t.id, "bpmn_id": t.bpmn_id, "name": t.name, "group": t.group_key,
            "candidate": rd.person(t.group_key, t.candidate), "assignee": rd.person(t.group_key, t.assignee),
            "created_at": t.created_at, "due_at": t.due_at, "due_provisional": t.due_provisional}


def _named_lanes(rows: list[dict[str, Any]]) -> list[str]:
    return [r["group"] for r in rows if r.get("by") or r.get("candidate") or r.get("assignee")]


def _case_view(ctx: EngineContext, session: Session, actor: Actor, case: Case) -> tuple[dict[str, Any], list[str]]:
    rd = disclosure.reader(actor)
    _, workflow = workflow_store.load_workflow(ctx, session, case)
    done, active = runtime.element_ids(workflow)
    tasks = session.scalars(select(TaskIndex).where(TaskIndex.case_id == case.id).order_by(TaskIndex.created_at))
    history = session.scalars(select(CaseHandler).where(CaseHandler.case_id == case.id).order_by(CaseHandler.id))
    data = rd.data(runtime.case_data(workflow))
    open_tasks = [_open_task(t, rd) for t in tasks]
    steps = [{"name": h.name, "group": h.group_key, "by": rd.person(h.group_key, h.username), "at": h.completed_at}
             for h in history]
    view: dict[str, Any] = {
        "id": case.id,
        "process_id": case.process_id,
        "version": case.process_version.version,
        "bundle_hash": case.process_version.deployment.bundle_hash,
        "status": case.status,
        "closure": case.closure,
        "outcome": case.outcome,
        "unit": case.unit,
        "error": rd.scrub(case.error) if case.error else None,
        "data": data,
        "open_tasks": open_tasks,
        "history": steps,
        "completed_elements": done,
        "active_elements": active,
        "lock_version": case.version,
    }
    return view, rd.kinds_in(data, _named_lanes(steps) + _named_lanes(open_tasks))


def _case_file(bundle: Bundle, case: Case, events: list[dict[str, Any]], names: dict[str, str]) -> list[FileSection]:
    starts = {key: entry.form for key, entry in bundle.entries.get(case.process_id, {}).items()}
    return case_file.sections(events, bundle.forms, starts, names)


def case_view(ctx: EngineContext, session: Session, actor: Actor, case_id: int) -> dict[str, Any]:
    """Status, version, data, open tasks, history and diagram marks of a case the actor may read."""
    case = visible_case(session, actor, case_id)
    view, shown = _case_view(ctx, session, actor, case)
    disclosure.record_read(ctx, actor, case.id, shown, "case")
    return view


def case_page(
    ctx: EngineContext, session: Session, actor: Actor, case_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A case the actor may read with its audit trail, recorded as one read."""
    case = visible_case(session, actor, case_id)
    view, shown = _case_view(ctx, session, actor, case)
    events, in_trail = _audit(ctx, session, actor, case)
    bundle = ctx.bundle_of_version(session, case.process_version_id)
    people = [e["actor"] for e in events] + [h["by"] for h in view["history"]]
    people += [p for t in view["open_tasks"] for p in (t["assignee"], t["candidate"])]
    view["people"] = users.person_labels(session, people)
    view["file"] = _case_file(bundle, case, events, view["people"])
    spec = bundle.specs.get(case.process_id)
    view["process_name"] = (spec.description if spec is not None else None) or case.process_id
    disclosure.record_read(ctx, actor, case.id, shown + in_trail, "case")
    return view, events


_TASKS = table(TaskIndex)
# Every step answers with this: prepared, oldest first.
_OPEN_TASKS = Prepared(select(_TASKS).where(_TASKS.c.case_id == bindparam("case_id"))
                       .order_by(_TASKS.c.created_at, _TASKS.c.id))


def step_view(session: Session, actor: Actor, case_id: int) -> dict[str, Any]:
    """Where a case stands after the actor's step, as far as they may see it: never more, and never a 404."""
    case = session.get(Case, case_id, populate_existing=True)
    if case is None:
        raise NotFound("案件 %(case_id)s 不存在", case_id=case_id)
    return step_view_of(session, actor, case)


def step_view_of(session: Session, actor: Actor, case: Case | CaseRow, open_rows: Sequence[Any] | None = None) -> dict[str, Any]:
    """The same for a case at hand: the row a step has just written, read in the step's own transaction, with its
    open task rows oldest first when the step knows them."""
    visible = policy.may_view_case(session, actor, case)
    rd = disclosure.reader(actor)
    rows = open_rows if open_rows is not None else _OPEN_TASKS.run(connection(session), {"case_id": case.id})
    offered = [t for t in rows if visible or policy.may_take(actor, t) or t.assignee == actor.username]
    return {
        "case_id": case.id, "status": case.status, "case_visible": visible, "lock_version": case.version,
        "closure": case.closure if visible else None, "outcome": case.outcome if visible else None,
        "open_tasks": [_open_task(t, rd) for t in offered],
    }


def _disclosed(ctx: EngineContext, session: Session, actor: Actor, case: Case,
               rows: list[AuditEvent]) -> tuple[list[dict[str, Any]], list[str]]:
    lanes = ctx.bundle_of_version(session, case.process_version_id).lanes
    rd = disclosure.reader(actor)
    events = []
    named: list[str | None] = []
    for e in rows:
        lane = lanes.get(e.bpmn_id or "")
        hide_person = lane in rd.hidden_lanes
        details = rd.scrub(dict(e.details or {}))
        if hide_person:
            details = {k: v for k, v in details.items() if k not in disclosure.PERSON_DETAILS}
        elif e.bpmn_id:
            named.append(lane)
        events.append({"seq": e.seq, "event": e.event, "actor": None if hide_person else e.actor, "lane": lane, "at": e.at,
                       "task_id": e.task_id, "bpmn_id": e.bpmn_id, "details": details, "prev_hash": e.prev_hash,
                       "hash": e.hash})
    return events, rd.kinds_in(disclosure.keys_of([e["details"] for e in events]), named)


def _trail(case: Case, after_seq: int = 0) -> Select[AuditEvent]:
    # A case's events are its own chain: seq is unique among them, so seq alone orders and pages the trail.
    return select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.seq > after_seq).order_by(AuditEvent.seq)


def _audit(ctx: EngineContext, session: Session, actor: Actor, case: Case) -> tuple[list[dict[str, Any]], list[str]]:
    return _disclosed(ctx, session, actor, case, list(session.scalars(_trail(case))))


# Events of an audit trail per request: by default enough for a whole ordinary case, and never more than the most.
AUDIT_PAGE = 200
AUDIT_MAX_PAGE = 1000


@dataclass(frozen=True)
class AuditPage:
    """Events of a case's trail after a given seq, oldest first; how many the trail holds; where the next page starts."""

    items: list[dict[str, Any]]
    total: int
    next_after_seq: int | None


def audit_events(ctx: EngineContext, session: Session, actor: Actor, case_id: int, after_seq: int = 0,
                 limit: int = AUDIT_PAGE) -> AuditPage:
    """A page of the audit trail of a case the actor may read, oldest first, without what is confidential to them."""
    case = visible_case(session, actor, case_id)
    limit = max(1, min(limit, AUDIT_MAX_PAGE))
    # One row beyond the page says whether another follows; it is neither shown nor recorded as read.
    rows = list(session.scalars(_trail(case, max(0, after_seq)).limit(limit + 1)))
    events, shown = _disclosed(ctx, session, actor, case, rows[:limit])
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.case_id == case.id)) or 0
    disclosure.record_read(ctx, actor, case.id, shown, "audit")
    return AuditPage(events, total, events[-1]["seq"] if len(rows) > limit else None)


def _seen_task(session: Session, actor: Actor, task_id: str) -> tuple[TaskIndex, Case]:
    row = session.get(TaskIndex, task_id)
    case = session.get(Case, row.case_id) if row is not None else None
    if row is None or case is None or not policy.may_see_task(session, actor, row, case):
        raise NotFound("任务不存在")
    return row, case


def _task_view(
    ctx: EngineContext, session: Session, actor: Actor, row: TaskIndex, case: Case, now: datetime
) -> tuple[dict[str, Any], list[str]]:
    bundle, workflow = workflow_store.load_workflow(ctx, session, case)
    task = runtime.open_task(workflow, row.id)
    form = bundle.form(row.form_key)
    rd = disclosure.reader(actor)
    values = rd.data({key: task.data[key] for key in form.keys if key in task.data})
    context = rd.data(dict(task.data))
    view = {
        "id": row.id, "case_id": row.case_id, "bpmn_id": row.bpmn_id, "name": row.name, "group": row.group_key,
        "candidate": rd.person(row.group_key, row.candidate), "assignee": rd.person(row.group_key, row.assignee),
        "assignee_name": users.person_labels(session, [a]).get(a) if (a := rd.person(row.group_key, row.assignee)) else None,
        "created_at": row.created_at, "due_at": row.due_at,
        "due_provisional": row.due_provisional, "overdue": bool(row.due_at and row.due_at < now),
        "may_claim": row.assignee is None and policy.may_take(actor, row),
        "form_key": row.form_key, "form": dict(form.source), "values": values,
        "case": {"cadre_name": case.cadre_name, "matter": case.matter, "status": case.status, "lock_version": case.version},
        "context": context,
    }
    named = [row.group_key] if row.candidate or row.assignee else []
    return view, rd.kinds_in(set(context) | set(values), named)


def task_view(ctx: EngineContext, session: Session, actor: Actor, task_id: str, now: datetime) -> dict[str, Any]:
    """An open task with its form definition and current values, for someone who may work on it or read its case."""
    row, case = _seen_task(session, actor, task_id)
    view, shown = _task_view(ctx, session, actor, row, case, now)
    disclosure.record_read(ctx, actor, case.id, shown, "task")
    return view


def task_page(
    ctx: EngineContext, session: Session, actor: Actor, task_id: str, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A task with the steps done before it (for those who may read its case), recorded as one read."""
    row, case = _seen_task(session, actor, task_id)
    view, shown = _task_view(ctx, session, actor, row, case, now)
    steps: list[dict[str, Any]] = []
    if policy.may_view_case(session, actor, case):
        events, in_trail = _audit(ctx, session, actor, case)
        shown += in_trail
        bundle = ctx.bundle_of_version(session, case.process_version_id)
        forms = bundle.forms
        names = users.person_labels(session, [e["actor"] for e in events])
        # What the case was opened with, labelled: the summary beside every step's form.
        opened = [s for s in _case_file(bundle, case, events[:1], names) if not s.name]
        view["summary"] = opened[0].entries if opened else ()
        # Each step with its form's definition, to show the input as it was asked (None when the version lacks it).
        steps = [{"name": e["details"].get("name", e["bpmn_id"]), "form": e["details"].get("form"),
                  "by": names.get(e["actor"], e["actor"]) if e["actor"] else None,
                  "group": e["lane"], "at": e["at"], "bpmn_id": e["bpmn_id"], "data": dict(e["details"].get("after") or {}),
                  "form_source": forms[e["details"]["form"]].source if e["details"].get("form") in forms else None}
                 for e in events if e["event"] == "task_completed"]
    disclosure.record_read(ctx, actor, case.id, shown, "task")
    return view, steps


def task_form(ctx: EngineContext, session: Session, actor: Actor, task_id: str) -> tuple[int, dict[str, Any]]:
    """The case and form definition of a task the actor may see, to read a submission against; shows nothing else."""
    row, case = _seen_task(session, actor, task_id)
    return case.id, dict(ctx.bundle_of_version(session, case.process_version_id).form(row.form_key).source)
