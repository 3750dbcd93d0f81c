"""Typed errors raised by the engine; the web layer maps each to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "engine_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

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

    def __init__(self, fields: dict[str, list[str]], message: str = "表单填写有误") -> None:
        super().__init__(message)
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
        return f"{self.file}:{self.line if self.line is not None else 0}: {self.reason}"


class ModelInvalid(EngineError):
    """A BPMN, DMN or form file cannot be deployed; `problems` says where and why."""

    code = "model_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems) or "模型无效")
        self.problems = problems


class ScriptFailed(EngineError):
    """A script, condition or decision failed while running a step; the step was rolled back."""

    code = "step_failed"

    def __init__(self, message: str, task_name: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.task_name = task_name
        self.line = line
