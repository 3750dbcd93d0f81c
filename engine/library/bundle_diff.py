"""What changed between two versions of a bundle: BPMN elements by process and id, forms and tables by file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from lxml import etree

from engine.bundles import xmlsafe
from engine.bundles.definitions import kind_of
from engine.errors import ModelInvalid

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# Attributes at their BPMN default mean the same as no attribute: editors differ in writing them.
_DEFAULTS = {"cancelActivity": "true", "isInterrupting": "true", "parallelMultiple": "false",
             "isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1", "instantiate": "false"}


def _attributes(element: Any, skip: tuple[str, ...] = ()) -> list[str]:
    return [f"{k}={v}" for k, v in sorted(element.attrib.items()) if k not in skip and _DEFAULTS.get(k) != v]


def _signature(element: Any) -> str:
    """What makes two versions of an element different: attributes, properties, expressions and flows (in any order)."""
    parts = [etree.QName(element).localname, *_attributes(element)]
    children = []
    for child in element.iter():
        if child is element or not isinstance(child.tag, str):
            continue
        text = (child.text or "").strip()
        children.append(f"{etree.QName(child).localname}[{','.join(_attributes(child, ('id',)))}]{text}")
    return "\n".join(parts + sorted(children))


def _elements(files: Mapping[str, bytes]) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(process id, element id) → (element type, name, signature) for every flow element of the BPMN files."""
    found: dict[tuple[str, str], tuple[str, str, str]] = {}
    for name, content in files.items():
        if kind_of(name) != "bpmn":
            continue
        try:
            root = xmlsafe.parse_xml(content, name).getroot()
        except ModelInvalid:
            continue
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            for element in process:
                if isinstance(element.tag, str) and element.get("id") and etree.QName(element).localname not in (
                        "laneSet", "extensionElements", "documentation"):
                    found[(process.get("id", ""), element.get("id"))] = (
                        etree.QName(element).localname, element.get("name", ""), _signature(element))
    return found


def process_ids(content: bytes) -> set[str]:
    """Ids of the processes a BPMN file defines (changes are reported per process); empty when it does not parse."""
    try:
        root = xmlsafe.parse_xml(content, "").getroot()
    except ModelInvalid:
        return set()
    return {p.get("id", "") for p in root.iter(f"{{{BPMN_NS}}}process")}


@dataclass(frozen=True)
class Change:
    """An element added, removed or changed between two versions; or one with a problem (`reason`, `line`)."""

    process_id: str
    element_id: str
    element_type: str
    name: str
    change: str
    reason: str = ""
    line: int | None = None


class LocatedProblem(Protocol):
    """A problem of a file, at a line and diagram element when known."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def element_id(self) -> str | None: ...
    @property
    def reason(self) -> str: ...


def diff(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> list[Change]:
    """Elements added, removed and changed from `old` to `new`, by process and element id; forms and tables by file."""
    before, after = _elements(old), _elements(new)
    changes = [Change(p, e, after[(p, e)][0], after[(p, e)][1], "added") for p, e in sorted(after.keys() - before.keys())]
    changes += [Change(p, e, before[(p, e)][0], before[(p, e)][1], "removed")
                for p, e in sorted(before.keys() - after.keys())]
    changes += [Change(p, e, after[(p, e)][0], after[(p, e)][1], "changed") for p, e in sorted(before.keys() & after.keys())
                if before[(p, e)][2] != after[(p, e)][2]]
    for name in sorted(set(old) | set(new)):
        if kind_of(name) in ("form", "dmn", "template") and old.get(name) != new.get(name):
            state = "added" if name not in old else "removed" if name not in new else "changed"
            changes.append(Change("", name, kind_of(name) or "", name, state))
    return changes


def with_problems(changes: Sequence[Change], problems: Sequence[LocatedProblem], files: Mapping[str, bytes]) -> list[Change]:
    """The changes with the problems of the new files first: an element or file with a problem is listed as a problem
    (with line and reason), never as an ordinary change."""
    shown: list[Change] = []
    for problem in problems:
        if problem.file not in files:
            continue
        if problem.element_id and kind_of(problem.file) == "bpmn":
            found = [(key, value) for key, value in _elements({problem.file: files[problem.file]}).items()
                     if key[1] == problem.element_id]
            if found:
                (process_id, element_id), (element_type, name, _) = found[0]
                shown.append(Change(process_id, element_id, element_type, name, "problem", problem.reason, problem.line))
                continue
        shown.append(Change("", problem.file, kind_of(problem.file) or "", problem.file, "problem", problem.reason,
                            problem.line))
    hidden = {(c.process_id, c.element_id) for c in shown}
    return shown + [c for c in changes if (c.process_id, c.element_id) not in hidden]
