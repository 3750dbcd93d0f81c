"""Typed errors raised by the engine; the web layer maps each to one HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Message(str):
    """A Chinese text shown to users that keeps its template and parameters, so the web layer can translate it.

    It is the filled-in Chinese text itself (a str), so code and tests comparing texts see no difference.
    """

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Message:
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        return (self.template,), self.params

    def format(self, *args: object, **kwargs: object) -> str:
        """Itself when it holds no braces: marshmallow formats its error messages and would drop the template."""
        return self if "{" not in self and "}" not in self else str.format(self, *args, **kwargs)


def as_message(text: str, params: Mapping[str, Any] | None = None) -> Message:
    """The text as a Message: unchanged if it is one already (and no parameters are added), else a new template."""
    if isinstance(text, Message) and not params:
        return text
    return Message(text, **(params or {}))


class EngineError(Exception):
    """Base of every error the engine raises on purpose; `message` is Chinese, `template` % `params` for translation."""

    code = "engine_error"

    def __init__(self, message: str, **params: Any) -> None:
        text = as_message(message, params)
        super().__init__(text)
        self.message: str = text
        self.template = text.template
        self.params = text.params

    @property
    def summary(self) -> str:
        """The message to show in one line (a refused form lists its fields' messages)."""
        return self.message


class NotFound(EngineError):
    """The case, task, user or deployment does not exist (or is hidden from the actor)."""

    code = "not_found"


class Unauthenticated(EngineError):
    """The caller did not prove who they are (no, expired or revoked credentials)."""

    code = "unauthorized"


class Forbidden(EngineError):
    """The actor may not do this."""

    code = "forbidden"


class Conflict(EngineError):
    """Someone else changed the case first; reload and try again."""

    code = "conflict"


class TaskNotReady(Conflict):
    """The task was completed, cancelled or is otherwise not open any more."""

    code = "task_not_ready"


class FormInvalid(EngineError):
    """Submitted data failed the form's rules; `fields` maps each key to its messages."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, list[str]], message: str = "表单填写有误", **params: Any) -> None:
        super().__init__(message, **params)
        self.fields = fields

    @property
    def summary(self) -> str:
        """Every field's messages in one line."""
        return "；".join(m for messages in self.fields.values() for m in messages) or self.message


class FileTooLarge(FormInvalid):
    """An uploaded file is larger than the configured limit per file."""

    code = "too_large"


@dataclass(frozen=True)
class Problem:
    """One problem found in a model file."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        # An unknown line (or the 0 some parsers report for it) is left out rather than shown as "line 0".
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}" if where else self.reason


class ModelInvalid(EngineError):
    """A BPMN, DMN or form file cannot be deployed; `problems` says where and why."""

    code = "model_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems) or "模型无效")
        self.problems = problems


class ScriptFailed(EngineError):
    """A script, condition or decision failed while running a step; the step was rolled back."""

    code = "step_failed"

    def __init__(self, message: str, task_name: str | None = None, line: int | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.task_name = task_name
        self.line = line
