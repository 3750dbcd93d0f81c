"""Deployable bundles: parse and check BPMN, DMN and form files, hash them, cache parsed specs."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bundles import doc_templates, xmlsafe
from engine.bundles.form_definitions import FormDefinition, form_from_bytes
from engine.bundles.model_checks import check_bpmn_tree, check_dmn_tree, entries_of, issued_kinds
from engine.bundles.serializer import StateSerializer
from engine.errors import ModelInvalid, Problem

KINDS = {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form", ".docx": "template"}
UNSUPPORTED = "不支持的文件类型（只接受 .bpmn、.dmn、表单 .json 和文书模板 .docx）"


@dataclass(frozen=True)
class Entry:
    """A way to start a process: the groups allowed and the start form."""

    key: str
    groups: tuple[str, ...]
    form: str
    # The official documents starting this way issues (engine/procedure/issuing.py).
    issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskInfo:
    """What the engine reads from a user task's lane and properties."""

    bpmn_id: str
    name: str
    group: str
    form: str
    limit: str | None
    limit_from: str | None
    assignee_var: str | None
    exclude_lanes: tuple[str, ...]
    # The limit continues across rounds of this task instead of starting afresh (see engine/persistence/case_clocks.py).
    resumes_clock: bool = False
    # The official documents the step issues when it completes (engine/procedure/issuing.py).
    issues: tuple[str, ...] = ()


@dataclass
class Bundle:
    """A parsed, checked deployment bundle; immutable once built."""

    hash: str
    files: dict[str, bytes]
    specs: dict[str, BpmnProcessSpec]
    forms: dict[str, FormDefinition]
    entries: dict[str, dict[str, Entry]]
    names: dict[str, str]
    serializer: StateSerializer = field(repr=False)
    # The lane of every task of every process, by BPMN id: who handled a past step, even one no longer open.
    lanes: dict[str, str] = field(default_factory=dict, repr=False)
    # Document templates replacing the built-in layout, by kind of document (engine/bundles/doc_templates.py).
    templates: dict[str, bytes] = field(default_factory=dict, repr=False)

    def subprocess_specs(self, process_id: str) -> dict[str, BpmnProcessSpec]:
        """Specs a workflow of `process_id` may call."""
        return {k: v for k, v in self.specs.items() if k != process_id}

    def form(self, form_id: str) -> FormDefinition:
        """The form with this id (the bundle was checked, so it exists)."""
        return self.forms[form_id]


def kind_of(name: str) -> str | None:
    """The kind of a bundle file from its name: bpmn, dmn, form, template, or None."""
    for suffix, kind in KINDS.items():
        if name.lower().endswith(suffix):
            return kind
    return None


def bundle_hash(files: Mapping[str, bytes]) -> str:
    """A content hash over file names and contents, independent of order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def task_info(task_spec: Any) -> TaskInfo:
    """Read lane and engine properties of a (user) task spec."""
    props: dict[str, str] = getattr(task_spec, "extensions", {}).get("properties", {}) or {}
    exclude = tuple(p.strip() for p in props.get("exclude_handlers_of", "").split(",") if p.strip())
    return TaskInfo(
        bpmn_id=task_spec.bpmn_id,
        name=task_spec.bpmn_name or task_spec.bpmn_id,
        group=task_spec.lane or "",
        form=props.get("form", ""),
        limit=props.get("limit") or None,
        limit_from=props.get("limit_from") or None,
        assignee_var=props.get("assignee") or None,
        exclude_lanes=exclude,
        resumes_clock=props.get("clock") == "resume",
        issues=issued_kinds(props),
    )


def load_bundle(files: Mapping[str, bytes], groups: Collection[str], limits: Collection[str]) -> Bundle:
    """Parse and check a set of files; raise ModelInvalid listing every problem with file and line."""
    problems: list[Problem] = []
    parser = SpiffBpmnParser(validator=VALIDATOR)
    form_defs: dict[str, FormDefinition] = {}
    bpmn_trees: dict[str, Any] = {}
    dmn_trees: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        kind = kind_of(name)
        try:
            if kind == "form":
                form = form_from_bytes(content, name)
                form_defs[form.id] = form
            elif kind in ("bpmn", "dmn"):
                tree = xmlsafe.parse_xml(content, name)
                (bpmn_trees if kind == "bpmn" else dmn_trees)[name] = tree
            elif kind != "template":
                problems.append(Problem(name, None, UNSUPPORTED))
        except ModelInvalid as exc:
            problems.extend(exc.problems)
    # A template may name any value a form records, and the document's own parts.
    known = {f.key for form in form_defs.values() for f in form.fields} | doc_templates.CASE_WORDS
    templates = {}
    for name, content in files.items():
        if kind_of(name) == "template":
            problems.extend(Problem(name, None, r) for r in doc_templates.check_template(name, content, known))
            templates[doc_templates.template_kind(name) or name] = content
    for name, tree in dmn_trees.items():
        problems.extend(check_dmn_tree(name, tree))
        _add(parser.add_dmn_xml, tree.getroot(), name, problems)
    for name, tree in bpmn_trees.items():
        problems.extend(check_bpmn_tree(name, tree, form_defs, groups, limits))
        _add(parser.add_bpmn_xml, tree, name, problems)
    specs: dict[str, BpmnProcessSpec] = {}
    if not problems:
        specs = _build_specs(parser, problems)
    if problems:
        raise ModelInvalid(problems)
    entries: dict[str, dict[str, Entry]] = {}
    for tree in bpmn_trees.values():
        for process_id, found in entries_of(tree).items():
            entries[process_id] = {k: Entry(k, g, f, i) for k, (g, f, i) in found.items()}
    return Bundle(
        hash=bundle_hash(files),
        files=dict(files),
        specs=specs,
        forms=form_defs,
        entries=entries,
        names={pid: spec.description or pid for pid, spec in specs.items()},
        serializer=StateSerializer(specs),
        lanes={ts.bpmn_id: ts.lane for spec in specs.values() for ts in spec.task_specs.values()
               if getattr(ts, "bpmn_id", None) and getattr(ts, "lane", None)},
        templates=templates,
    )


def _add(method: Any, tree: Any, name: str, problems: list[Problem]) -> None:
    try:
        method(tree, filename=name)
    except ValidationException as exc:
        problems.append(Problem(exc.file_name or name, exc.line_number or None, _reason(exc)))
    except (etree.LxmlError, ValueError, KeyError, AttributeError, TypeError) as exc:
        problems.append(Problem(name, None, f"无法解析：{exc}"))


def _build_specs(parser: SpiffBpmnParser, problems: list[Problem]) -> dict[str, BpmnProcessSpec]:
    specs: dict[str, BpmnProcessSpec] = {}
    for process_id in parser.get_process_ids():
        try:
            specs[process_id] = parser.get_spec(process_id)
            # Resolving called processes now makes a missing one fail at deployment, not when reached.
            specs.update(parser.get_subprocess_specs(process_id))
        except ValidationException as exc:
            problems.append(Problem(exc.file_name or "", exc.line_number or None, _reason(exc)))
        except (ValueError, KeyError, AttributeError, TypeError) as exc:
            problems.append(Problem("", None, f"流程 {process_id} 无法构建：{exc}"))
    return specs


def _reason(exc: ValidationException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"模型校验失败：{text}"


class BundleCache:
    """Parsed bundles by hash: each deployed version is parsed once per process."""

    def __init__(self) -> None:
        self._bundles: dict[str, Bundle] = {}
        self._lock = threading.Lock()

    def get(self, bundle_hash_: str) -> Bundle | None:
        """The cached bundle with this hash, if parsed already."""
        return self._bundles.get(bundle_hash_)

    def put(self, bundle: Bundle) -> Bundle:
        """Cache a bundle; the first one cached for a hash wins."""
        with self._lock:
            return self._bundles.setdefault(bundle.hash, bundle)
