"""Rules between a form's fields and the case: a field required only when a condition holds, and a constraint
its value must meet.

form-js has no such rules of its own, so they live in a component's custom `properties` (which the form
editor edits as key/value pairs):

- `requiredWhen`: a Python expression; when it is true, the field is required.
- `constraint`: a Python expression that must be true when the field has a value; `constraintMessage` is the
  message shown otherwise.

Both see the task's data with the submitted values over it, every editable key of the form being None when
not filled, and run in the same restricted, time-limited sandbox as the models' scripts. Examples:
`proposed_outcome != recommended_outcome` makes a reason required when the proposal departs from the
decision table; `outcome == carried_outcome` keeps a ruling to the outcome the vote carried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.bundles.scripting import RestrictedEnvironment, check_source
from engine.errors import Message

REQUIRED = "此项为必填项"
PROPERTY_NAMES = ("requiredWhen", "constraint", "constraintMessage")
DEFAULT_CONSTRAINT_MESSAGE = "填写的内容不符合要求"
# The rules are short comparisons; a second is far more than they need and bounds a careless one.
_TIME_LIMIT = 1.0


@dataclass(frozen=True)
class FieldRules:
    """The conditional rules of one field, as the process owner wrote them."""

    required_when: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None

    def __bool__(self) -> bool:
        return bool(self.required_when or self.constraint)


def field_rules(comp: Mapping[str, Any], key: str, problems: list[str]) -> FieldRules:
    """Read and compile-check a component's conditional rules, adding a problem for each bad one."""
    props = comp.get("properties") or {}
    if not isinstance(props, Mapping):
        problems.append(Message("字段 %(key)s 的 properties 应为对象", key=key))
        return FieldRules()
    found: dict[str, str | None] = {}
    for name in PROPERTY_NAMES:
        value = props.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(Message("字段 %(key)s 的 %(name)s 应为非空文本", key=key, name=name))
            value = None
        if value is not None and name != "constraintMessage":
            problems.extend(Message("字段 %(key)s 的 %(name)s 表达式有误：%(problem)s", key=key, name=name, problem=p)
                            for p in check_source(value, "eval"))
        found[name] = value.strip() if value else None
    if found["constraintMessage"] and not found["constraint"]:
        problems.append(Message("字段 %(key)s 有 constraintMessage 而没有 constraint", key=key))
    return FieldRules(found["requiredWhen"], found["constraint"], found["constraintMessage"])


def _holds(expression: str, names: Mapping[str, Any]) -> bool:
    try:
        return bool(RestrictedEnvironment(time_limit=_TIME_LIMIT).evaluate(expression, names))
    # A rule that cannot be judged (an unknown name, a time-out) is the model's fault: reported, never a crash.
    except Exception as exc:  # noqa: BLE001
        raise _Unjudgeable(f"{type(exc).__name__}: {exc}") from exc


class _Unjudgeable(Exception):
    pass


def check_rules(
    rules: Mapping[str, FieldRules], values: Mapping[str, Any], context: Mapping[str, Any], editable: Iterable[str]
) -> dict[str, list[str]]:
    """The errors, by field key, of the rules that the submitted values (over the task's data) break.

    An editable field left empty is None whatever the task held before; a read-only one shows the task's value.
    """
    names = {**context, **{key: None for key in editable}, **values}
    errors: dict[str, list[str]] = {}
    for key, rule in rules.items():
        value = values.get(key)
        blank = value is None or value == [] or (isinstance(value, str) and not value.strip())
        try:
            if blank and rule.required_when and _holds(rule.required_when, names):
                errors[key] = [REQUIRED]
            elif not blank and rule.constraint and not _holds(rule.constraint, names):
                errors[key] = [rule.constraint_message or DEFAULT_CONSTRAINT_MESSAGE]
        except _Unjudgeable as exc:
            errors[key] = [Message("无法判断本项的填写条件（%(reason)s），请联系流程管理员检查表单", reason=str(exc))]
    return errors
