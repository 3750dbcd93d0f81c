"""The engine's messages in the reader's language: the engine words them in Chinese as templates with parameters,
the catalogs translate the template (the English catalog's msgids are the Chinese templates), then the parameters go in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import get_locale, gettext, lazy_gettext

from engine.errors import EngineError, FormInvalid, Message, ModelInvalid, Problem
from engine.persistence.lifecycle import CaseStatus

# Parameters that are codes are shown by their labels (the same msgids as the UI's own labels).
_PARAM_LABELS: dict[str, Mapping[str, Any]] = {
    "status": {CaseStatus.RUNNING: lazy_gettext("in progress"), CaseStatus.COMPLETED: lazy_gettext("closed"),
               CaseStatus.ERROR: lazy_gettext("in error"), CaseStatus.SUSPENDED: lazy_gettext("suspended"),
               CaseStatus.TERMINATED: lazy_gettext("terminated")},
}
_PARAM_LABELS["to"] = _PARAM_LABELS["status"]


def _param(name: str, value: Any) -> Any:
    if isinstance(value, Message):
        return text(value)
    label = _PARAM_LABELS.get(name, {}).get(value) if isinstance(value, str) else None
    return str(label) if label is not None else value


def text(message: str) -> str:
    """One engine message (a Message, or a plain Chinese text) in the request's language."""
    if not message:
        return message
    if not isinstance(message, Message):
        return gettext(message)  # no parameters: gettext leaves "%" alone
    translated = gettext(message.template)
    if not message.params:
        return translated
    params = {name: _param(name, value) for name, value in message.params.items()}
    try:
        return translated % params
    except (KeyError, TypeError, ValueError):
        # A translation naming a parameter the template lacks must not cost the user the message.
        return message.template % params


def separator() -> str:
    """What joins several messages in one line: the Chinese semicolon, or "; " in a Western language."""
    return "；" if str(get_locale()).startswith("zh") else "; "


def field_texts(fields: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A refused form's messages per field, translated."""
    return {key: [text(m) for m in messages] for key, messages in fields.items()}


def problem_text(problem: Problem) -> str:
    """One problem of a model file as "file:line: reason", the line left out when unknown."""
    return str(Problem(problem.file, problem.line, text(problem.reason)))


def message_of(exc: EngineError) -> str:
    """The error's own message (not its fields'), translated."""
    if isinstance(exc, ModelInvalid) and exc.problems:
        return separator().join(problem_text(p) for p in exc.problems)
    return text(exc.message)


def summary_of(exc: EngineError) -> str:
    """The error in one line, translated: a refused form lists its fields' messages."""
    if isinstance(exc, FormInvalid):
        found = [text(m) for messages in exc.fields.values() for m in messages]
        return separator().join(found) or message_of(exc)
    return message_of(exc)
