"""The case file (案卷): what a case contains, step by step, as its forms labelled it.

Built from the audit trail as the reader may see it (confidential keys already removed), so the case file
discloses nothing the reader could not read elsewhere. Values keep their kind so that the page can write
dates and yes/no in the reader's language; choices are given by their labels from the form.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.bundles.form_definitions import CHOICE_TYPES, DISPLAY_TYPES, FILE_TYPES

# How a value is written: as text, a date, a yes/no, a list of labels, or the case's files (attachment ids).
TEXT, DATE, YES_NO, LIST, FILES = "text", "date", "yes_no", "list", "files"


@dataclass(frozen=True)
class FileEntry:
    """One value of the case file: its label from the form and the value in words."""

    key: str
    label: str
    kind: str
    value: Any


@dataclass(frozen=True)
class FileSection:
    """What one step recorded: the step (empty for the start form that opened the case), who did it and when,
    and its values."""

    name: str
    by: str | None
    group: str | None
    at: datetime
    entries: tuple[FileEntry, ...]
    # The step's task (None for the start form): the documents it issued are listed beside it.
    task_id: str | None = None


def _components(components: Any) -> Iterator[Mapping[str, Any]]:
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, Mapping):
            continue
        if comp.get("type") == "group":
            yield from _components(comp.get("components"))
        elif comp.get("type") not in DISPLAY_TYPES and isinstance(comp.get("key"), str):
            yield comp


def _label_of(comp: Mapping[str, Any], value: Any) -> str:
    for option in comp.get("values") or []:
        if isinstance(option, Mapping) and option.get("value") == value and isinstance(option.get("value"), type(value)):
            return str(option.get("label", value))
    return str(value)


def _entry(comp: Mapping[str, Any], value: Any) -> FileEntry | None:
    key, kind = str(comp["key"]), str(comp["type"])
    label = str(comp.get("label") or comp.get("dateLabel") or key)
    if value is None or value == "" or value == []:
        return None
    if kind == "checkbox":
        return FileEntry(key, label, YES_NO, bool(value))
    if kind in FILE_TYPES:
        return FileEntry(key, label, FILES, [v for v in value if isinstance(v, int)] if isinstance(value, list) else [])
    if kind in CHOICE_TYPES and isinstance(value, list):
        return FileEntry(key, label, LIST, [_label_of(comp, v) for v in value])
    if kind in CHOICE_TYPES:
        return FileEntry(key, label, TEXT, _label_of(comp, value))
    if kind == "datetime" and comp.get("subtype", "date") == "date":
        return FileEntry(key, label, DATE, str(value))
    return FileEntry(key, label, TEXT, str(value))


def entries(form_source: Mapping[str, Any] | None, data: Mapping[str, Any]) -> tuple[FileEntry, ...]:
    """The values a form recorded, in form order, labelled as the form labels them; empty values left out."""
    if not form_source:
        return ()
    found = (_entry(comp, data.get(comp["key"])) for comp in _components(form_source.get("components")))
    return tuple(e for e in found if e is not None)


def sections(
    events: Sequence[Mapping[str, Any]], forms: Mapping[str, Any], start_forms: Mapping[str, str],
    names: Mapping[str, str],
) -> list[FileSection]:
    """The case file from the (reader's) audit trail: the start form, then each completed step.

    `forms` maps form keys to definitions, `start_forms` entry keys to form keys, `names` logins to names.
    """
    found: list[FileSection] = []
    for event in events:
        details = event.get("details") or {}
        actor = event.get("actor")
        by = names.get(actor, actor) if actor else None
        if event.get("event") == "case_started":
            form = forms.get(start_forms.get(str(details.get("entry")), ""))
            data = details.get("data") or {}
            name = ""
        elif event.get("event") == "task_completed":
            form = forms.get(str(details.get("form")))
            data = details.get("after") or {}
            name = str(details.get("name") or event.get("bpmn_id") or "")
        else:
            continue
        rows = entries(getattr(form, "source", None), data)
        if rows:
            found.append(FileSection(name, by, event.get("lane"), event["at"], rows, event.get("task_id")))
    return found
