"""form-js form definitions: load and check them (fields, options, validation rules, patterns)."""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import re2

from engine import bounded_json
from engine.bundles.form_conditions import FieldRules, field_rules
from engine.errors import Message, ModelInvalid, Problem

Scalar = str | int | float | bool

INPUT_TYPES = frozenset({"textfield", "textarea", "number", "datetime", "select", "radio", "checkbox", "checklist", "taglist",
                         "filepicker"})
DISPLAY_TYPES = frozenset({"text", "image", "spacer", "separator"})
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
TEXT_TYPES = frozenset({"textfield", "textarea"})
# A file picker's value is the list of the case's attachment ids the step added (engine/procedure/attachments.py).
FILE_TYPES = frozenset({"filepicker"})
MAX_FILES = 20
_RULES = {"required": INPUT_TYPES, "minLength": TEXT_TYPES, "maxLength": TEXT_TYPES, "pattern": TEXT_TYPES}
_RULES.update(min=frozenset({"number"}), max=frozenset({"number"}))
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# A text field without a maxLength of its own still has one: a form step records facts, not whole documents.
DEFAULT_MAX_LENGTH = {"textfield": 500, "textarea": 10_000}
# Forms nest groups a few levels deep; far deeper documents would exhaust the recursive checks and rendering.
MAX_FORM_NESTING = 32


@dataclass(frozen=True)
class FieldDef:
    """One input field of a form."""

    key: str
    type: str
    label: str = ""
    required: bool = False
    subtype: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    options: tuple[tuple[str, Scalar], ...] = ()
    values_key: str | None = None
    readonly: bool = False
    rules: FieldRules = field(default_factory=FieldRules)
    # A file picker taking more than one file (form-js `multiple`).
    multiple: bool = False


@dataclass(frozen=True)
class FormDefinition:
    """A checked form: its id, title and input fields (display-only components dropped)."""

    id: str
    title: str | None
    fields: tuple[FieldDef, ...]
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of all input fields, in form order."""
        return tuple(f.key for f in self.fields)

    @property
    def rules(self) -> dict[str, FieldRules]:
        """The conditional rules (requiredWhen, constraint) of the fields that have any, by key."""
        return {f.key: f.rules for f in self.fields if f.rules}


def is_scalar(value: Any) -> bool:
    """Whether a value is one JSON scalar: text, a boolean, an integer or a finite float."""
    return isinstance(value, (str, bool, int)) or (isinstance(value, float) and math.isfinite(value))


def is_number(value: Any) -> bool:
    """Whether a value is a JSON number (an integer or a finite float, never a boolean)."""
    return is_scalar(value) and isinstance(value, (int, float)) and not isinstance(value, bool)


def _walk(components: Any, where: Message, problems: list[str]) -> Iterator[Mapping[str, Any]]:
    if not isinstance(components, list):
        problems.append(Message("%(where)s的 components 应为列表", where=where))
        return
    for index, comp in enumerate(components):
        if not isinstance(comp, Mapping) or not isinstance(comp.get("type"), str):
            problems.append(Message("%(where)s第 %(index)s 个组件缺少 type", where=where, index=index + 1))
        elif comp["type"] == "group":
            label = comp.get("label", index + 1)
            if comp.get("path"):
                problems.append(Message("分组 %(label)s 不支持 path（嵌套数据）", label=label))
            yield from _walk(comp.get("components", []), Message("分组 %(label)s ", label=label), problems)
        else:
            yield comp


def _options(comp: Mapping[str, Any], key: str, problems: list[str]) -> tuple[tuple[str, Scalar], ...]:
    values = comp.get("values")
    if not isinstance(values, list) or not values:
        problems.append(Message("字段 %(key)s 的 values 应为非空列表", key=key))
        return ()
    options: list[tuple[str, Scalar]] = []
    for item in values:
        if not isinstance(item, Mapping) or not is_scalar(item.get("value")):
            problems.append(Message("字段 %(key)s 的选项应为 {label, value}，value 为文本、数字或布尔值", key=key))
        else:
            options.append((str(item.get("label", item["value"])), item["value"]))
    return tuple(options)


def _rules(comp: Mapping[str, Any], key: str, kind: str, problems: list[str]) -> dict[str, Any]:
    rules = comp.get("validate") or {}
    if not isinstance(rules, Mapping):
        problems.append(Message("字段 %(key)s 的 validate 应为对象", key=key))
        return {}
    for name, value in rules.items():
        if kind not in _RULES.get(name, frozenset()):
            problems.append(Message("字段 %(key)s（%(kind)s）不支持校验规则 %(rule)s", key=key, kind=kind, rule=name))
        elif name == "required" and not isinstance(value, bool):
            problems.append(Message("字段 %(key)s 的 required 应为 true 或 false", key=key))
        elif name in ("minLength", "maxLength") and not (is_number(value) and int(value) == value >= 0):
            problems.append(Message("字段 %(key)s 的 %(rule)s 应为非负整数", key=key, rule=name))
        elif name in ("min", "max") and not is_number(value):
            problems.append(Message("字段 %(key)s 的 %(rule)s 应为数字", key=key, rule=name))
        elif name == "pattern" and (problem := _pattern_problem(key, value)) is not None:
            problems.append(problem)
    return dict(rules)


# JavaScript writes a code point as \uXXXX, RE2 as \x{XXXX}; an even run of backslashes before it escapes itself.
_JS_CODE_POINT = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})")


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """A form's `pattern` compiled by RE2, which matches in time linear in the value's length.

    Patterns come from process owners and values from anyone filling in the form: with a backtracking engine
    (Python's `re`), `^(a+)+$` takes seconds on 28 characters. RE2 refuses what it cannot match in linear
    time (backreferences, lookaround) with re2.error.
    """
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported to the process owner; the library need not log it
    return re2.compile(_JS_CODE_POINT.sub(r"\1\\x{\2}", pattern), options)


def _pattern_problem(key: str, value: Any) -> Message | None:
    if not isinstance(value, str):
        return Message("字段 %(key)s 的正则表达式应为文本：%(value)s", key=key, value=repr(value))
    try:
        compile_pattern(value)
    except (re2.error, UnicodeError) as exc:
        detail = exc.args[0] if exc.args else ""
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        try:
            re.compile(value)
        except re.error:
            return Message("字段 %(key)s 的正则表达式无效：%(value)s（%(detail)s）", key=key, value=repr(value), detail=detail)
        return Message(
            "字段 %(key)s 的正则表达式不受支持：%(value)s（%(detail)s）；"
            "为保证校验不会耗时失控，不能使用反向引用（如 \\1）、前后断言（如 (?=…)、(?<=…)）等需要回溯的写法",
            key=key, value=repr(value), detail=detail)
    return None


def max_length(fd: FieldDef) -> int | None:
    """The most characters a text field takes: its own maxLength, else the default of its type."""
    return fd.max_length if fd.max_length is not None else DEFAULT_MAX_LENGTH.get(fd.type)


def _field_def(comp: Mapping[str, Any], problems: list[str]) -> FieldDef | None:
    kind, key = comp["type"], comp.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key) or keyword.iskeyword(key) or key == "typename":
        problems.append(Message("%(kind)s 组件的 key 无效：%(key)s（须为字母开头的英文标识符，且不能是 typename）", kind=kind,
                                key=repr(key)))
        return None
    for unsupported in ("conditional", "valuesExpression", "serializeToString"):
        if comp.get(unsupported):
            problems.append(Message("字段 %(key)s 使用了不支持的属性 %(name)s", key=key, name=unsupported))
    readonly = comp.get("readonly", False) or comp.get("disabled", False)
    if not isinstance(readonly, bool):
        problems.append(Message("字段 %(key)s 的 readonly/disabled 只能是 true 或 false", key=key))
    rules = _rules(comp, key, kind, problems)
    subtype = comp.get("subtype", "date") if kind == "datetime" else None
    if subtype not in (None, "date", "datetime", "time"):
        problems.append(Message("字段 %(key)s 的日期类型无效：%(subtype)s", key=key, subtype=repr(subtype)))
    options: tuple[tuple[str, Scalar], ...] = ()
    values_key = comp.get("valuesKey")
    if kind in CHOICE_TYPES:
        if values_key is not None:
            if not isinstance(values_key, str) or not _KEY_RE.match(values_key):
                problems.append(Message("字段 %(key)s 的 valuesKey 无效：%(value)s", key=key, value=repr(values_key)))
            if "values" in comp:
                problems.append(Message("字段 %(key)s 不能同时有 values 和 valuesKey", key=key))
        else:
            options = _options(comp, key, problems)
    multiple = comp.get("multiple", False)
    if kind in FILE_TYPES and not isinstance(multiple, bool):
        # form-js also takes an expression here; whether a step takes several files is the model's decision, not data's.
        problems.append(Message("字段 %(key)s 的 multiple 只能是 true 或 false", key=key))
    return FieldDef(
        key=key,
        type=kind,
        label=str(comp.get("label", "")),
        required=rules.get("required") is True,
        subtype=subtype,
        min_length=rules.get("minLength"),
        max_length=rules.get("maxLength"),
        pattern=rules.get("pattern"),
        minimum=rules.get("min"),
        maximum=rules.get("max"),
        options=options,
        values_key=values_key if kind in CHOICE_TYPES else None,
        readonly=readonly is True,
        rules=field_rules(comp, key, problems),
        multiple=kind in FILE_TYPES and multiple is True,
    )


def load_form(obj: Mapping[str, Any], file_name: str = "") -> FormDefinition:
    """Check a form-js definition and return it; raise ModelInvalid listing every problem."""
    problems: list[str] = []
    defs: list[FieldDef] = []
    if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str) or not obj["id"]:
        raise ModelInvalid([Problem(file_name, None, "表单缺少 id")])
    if file_name.endswith(".json") and PurePath(file_name).stem != obj["id"]:
        problems.append(Message("表单 id %(form)s 应与文件名一致", form=obj["id"]))
    for comp in _walk(obj.get("components"), Message("表单"), problems):
        if comp["type"] in DISPLAY_TYPES:
            continue
        if comp["type"] not in INPUT_TYPES:
            problems.append(Message("不支持的组件类型：%(type)s", type=comp["type"]))
        elif (definition := _field_def(comp, problems)) is not None:
            if definition.key in {d.key for d in defs}:
                problems.append(Message("字段 key 重复：%(key)s", key=definition.key))
            defs.append(definition)
    if problems:
        raise ModelInvalid([Problem(file_name, None, reason) for reason in problems])
    title = obj.get("title") or obj.get("name")
    return FormDefinition(obj["id"], str(title) if title else None, tuple(defs), source=obj)


def form_from_file(path: str | Path) -> FormDefinition:
    """Load and check a form definition from a JSON file."""
    path = Path(path)
    return form_from_bytes(path.read_bytes(), path.name)


def form_from_bytes(content: bytes, file_name: str) -> FormDefinition:
    """Load and check a form definition from a file's content (UTF-8 JSON); raise ModelInvalid naming the problem."""
    try:
        obj = bounded_json.loads(content, MAX_FORM_NESTING)
    except json.JSONDecodeError as exc:
        raise ModelInvalid([Problem(file_name, exc.lineno, Message("表单不是有效的 JSON：%(msg)s", msg=exc.msg))]) from exc
    except UnicodeDecodeError as exc:
        raise ModelInvalid([Problem(file_name, None, "文件应为 UTF-8 编码")]) from exc
    except bounded_json.RefusedJson as exc:
        raise ModelInvalid([Problem(file_name, None, Message("表单不能保存：%(reason)s", reason=exc.reason))]) from exc
    if bounded_json.holds_lone_surrogate(obj):
        raise ModelInvalid([Problem(file_name, None, Message("表单不能保存：%(reason)s",
                                                             reason=bounded_json.LONE_SURROGATE))])
    return load_form(obj, file_name=file_name)
