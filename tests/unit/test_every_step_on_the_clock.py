"""Every user step of the shipped procedure is on the clock: it has a configured limit (or is due on a date the case
recorded), a reminder before its due date, and an escalation when it passes (or a lapse that ends the step then)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from engine.bundles.definitions import Bundle, TaskInfo, load_bundle, task_info
from engine.bundles.shipped import SHIPPED, collect
from engine.config import DEFAULT_LIMITS
from engine.groups import GROUP_LABELS
from tests.support.bpmn import mini_files


def _user_tasks(bundle: Bundle) -> Iterator[tuple[str, Any, Any]]:
    """(process id, process spec, task spec) of every user task, in a stable order."""
    for process_id, spec in sorted(bundle.specs.items()):
        for name in sorted(spec.task_specs):
            task_spec = spec.task_specs[name]
            if type(task_spec).__name__ == "UserTask":
                yield process_id, spec, task_spec


def _timers(spec: Any, task_spec: Any) -> list[tuple[str | None, bool, str]]:
    """The timers attached to a task: (notify property, whether it ends the step, date expression)."""
    # A multi-instance task's timers are attached to the whole of it, whose spec has the task's BPMN id too.
    split = spec.task_specs.get(f"{task_spec.bpmn_id}.BoundaryEventSplit")
    events = [s for s in split.outputs if s.bpmn_id != task_spec.bpmn_id] if split is not None else []
    found = []
    for event in events:
        expression = getattr(event.event_definition, "expression", None)
        if expression is None:
            continue  # a message, not a timer
        notify = (getattr(event, "extensions", {}).get("properties") or {}).get("notify")
        found.append((notify, bool(event.cancel_activity), str(expression).strip()))
    return found


def due_expression(info: TaskInfo) -> str | None:
    """The timer expression of a task's due date, as docs/modeling.md writes it for its `limit` and `limit_from`."""
    if info.limit and info.limit_from:
        return f'deadline_after("{info.limit}", {info.limit_from})'
    if info.limit_from:
        return f"deadline_from({info.limit_from})"
    if info.limit:
        return f'deadline("{info.limit}")'
    return None


def clock_problems(bundle: Bundle, limits: Collection[str]) -> list[str]:
    """What keeps a user task of the bundle off the clock, one line per problem naming the process and the task."""
    problems = []
    for process_id, spec, task_spec in _user_tasks(bundle):
        info = task_info(task_spec)
        where = f"{process_id}: {info.bpmn_id} ({info.name})"
        due = due_expression(info)
        if due is None:
            problems.append(f"{where} has no limit")
            continue
        if info.limit and info.limit not in limits:
            problems.append(f"{where} has limit {info.limit}, which DEFAULT_LIMITS lacks")
        timers = _timers(spec, task_spec)
        if ("reminder", False, f"remind_at({due})") not in timers:
            problems.append(f"{where} has no reminder timer at remind_at({due})")
        lapses = any(ends and expression == due for _, ends, expression in timers)
        if ("escalation", False, due) not in timers and not lapses:
            problems.append(f"{where} has no escalation timer at {due}")
        for notify, ends, expression in timers:
            if notify and ends:
                problems.append(f"{where}: its {notify} timer at {expression} would end the step")
    return problems


def test_every_user_task_of_the_shipped_procedure_has_a_limit_a_reminder_and_an_escalation() -> None:
    bundle = load_bundle(collect(SHIPPED)[0], GROUP_LABELS, DEFAULT_LIMITS)
    assert sum(1 for _ in _user_tasks(bundle)) >= 30  # every process of the procedure was read
    assert clock_problems(bundle, DEFAULT_LIMITS) == []


def _mini(limit_property: str, timers: str = "") -> Bundle:
    """The small test process with the review task's limit property replaced, and these boundary events added."""
    files: Mapping[str, bytes] = mini_files()
    bpmn = files["mini.bpmn"].decode("utf-8").replace(
        '<spiffworkflow:property name="limit" value="acceptance"/>', limit_property)
    bpmn = bpmn.replace("</bpmn:process>", f"{timers}</bpmn:process>")
    return load_bundle({**files, "mini.bpmn": bpmn.encode("utf-8")}, GROUP_LABELS, {*DEFAULT_LIMITS, "unknown"})


def _timer(event_id: str, notify: str, expression: str, interrupting: bool = False) -> str:
    props = f'<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="notify" value="{notify}"/>' \
            "</spiffworkflow:properties></bpmn:extensionElements>" if notify else ""
    return f"""<bpmn:boundaryEvent id="{event_id}" attachedToRef="review" cancelActivity="{str(interrupting).lower()}">
      {props}<bpmn:timerEventDefinition><bpmn:timeDate>{expression}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>"""


def test_the_check_names_each_task_off_the_clock() -> None:
    # Guards the guard: a step without a limit, with a limit nobody configured, or without its timers is named.
    assert clock_problems(_mini(""), DEFAULT_LIMITS) == ["mini: review (审核) has no limit"]
    unknown = '<spiffworkflow:property name="limit" value="unknown"/>'
    assert clock_problems(_mini(unknown), DEFAULT_LIMITS) == [
        "mini: review (审核) has limit unknown, which DEFAULT_LIMITS lacks",
        'mini: review (审核) has no reminder timer at remind_at(deadline("unknown"))',
        'mini: review (审核) has no escalation timer at deadline("unknown")',
    ]
    limit = '<spiffworkflow:property name="limit" value="acceptance"/>'
    reminder = _timer("r", "reminder", 'remind_at(deadline("acceptance"))')
    assert clock_problems(_mini(limit, reminder + _timer("e", "escalation", 'deadline("acceptance")')), DEFAULT_LIMITS) == []
    # A lapse at the due date ends the step instead of escalating it; a reminder at another date does not count.
    assert clock_problems(_mini(limit, reminder + _timer("l", "", 'deadline("acceptance")', True)), DEFAULT_LIMITS) == []
    assert clock_problems(_mini(limit, _timer("r", "reminder", 'remind_at(deadline("feedback"))')), DEFAULT_LIMITS) == [
        'mini: review (审核) has no reminder timer at remind_at(deadline("acceptance"))',
        'mini: review (审核) has no escalation timer at deadline("acceptance")',
    ]
