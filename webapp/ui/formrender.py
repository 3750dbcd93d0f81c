"""Server-side HTML for form-js forms, and reading a posted HTML form back into the form data the engine validates."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from engine.bundles.form_definitions import (
    DISPLAY_TYPES,
    FILE_TYPES,
    FieldDef,
    FormDefinition,
    Scalar,
    load_form,
    max_length,
)

from .decisions import OUTCOME_LABELS

FORM_ERRORS = "_schema"
MULTI_TYPES = frozenset({"checklist", "taglist"})
_LIST_TYPES = MULTI_TYPES | FILE_TYPES
_TEXT_INPUTS = frozenset({"textfield", "textarea", "number", "datetime"})
_TRUE = frozenset({"on", "true", "1", "yes"})
_FALSE = frozenset({"", "off", "false", "0", "no"})
_INT = re.compile(r"[+-]?\d+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# What the browser's own widgets accept as a value; they would blank anything else, so such a value is shown as text.
_WIDGET_VALUE = {
    "number": re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII),
    "time": re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?", re.ASCII),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?", re.ASCII),
}
_DATE_INPUTS = {"date": "date", "time": "time", "datetime": "datetime-local"}
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}", re.ASCII)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"#{1,6}\s+(.*)")
_EMPTY = Markup("")
_BR = Markup("<br>")
_MARKER = Markup('<span class="required" aria-hidden="true">*</span>')
_HIDDEN_REQUIRED = Markup('<span class="visually-hidden">（必填）</span>')
_LAYOUT = {"separator": Markup('<hr class="form-separator">'), "spacer": Markup('<div class="form-spacer"></div>')}


class Submission(dict[str, Any]):
    """Form data parsed from a post; it keeps the posted text so that a refused form is shown again exactly as typed."""

    def __init__(self, data: Mapping[str, Any], posted: MultiDict[str, str]) -> None:
        super().__init__(data)
        self.posted = posted


@dataclass(frozen=True)
class _Ctx:
    values: Mapping[str, Any]
    posted: MultiDict[str, str] | None  # set when the values are a browser's post rather than task data
    errors: Mapping[str, Any]
    data: Mapping[str, Any]  # task data: valuesKey options and {{placeholders}} in text
    readonly: bool
    prefix: str
    files: Mapping[int, str]  # the case's attachments by id: the names a file picker lists


def _definition(definition: Mapping[str, Any] | FormDefinition) -> FormDefinition:
    return definition if isinstance(definition, FormDefinition) else load_form(definition)


def _token(value: Any) -> str:
    # Booleans travel as JSON spells them, so boolean options round-trip through HTML.
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


def _messages(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, Mapping)):
        return [m for item in (value.values() if isinstance(value, Mapping) else value) for m in _messages(item)]
    return [str(value)]


def _attrs(attrs: Mapping[str, Any]) -> Markup:
    return _EMPTY.join(
        Markup(" ") + Markup(name) if value is True else Markup(' {}="{}"').format(Markup(name), _token(value))
        for name, value in attrs.items() if value is not None and value is not False
    )


def _choices(fd: FieldDef, data: Mapping[str, Any]) -> list[tuple[str, Scalar]]:
    """Static options, or those a `valuesKey` names in task data, read the way the engine checks them."""
    if fd.values_key is None:
        return list(fd.options)
    raw = data.get(fd.values_key)
    found: list[tuple[str, Scalar]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            if item.get("value") is not None:
                found.append((str(item.get("label", item["value"])), item["value"]))
        elif item is not None:
            found.append((str(item), item))
    return found


def _current(ctx: _Ctx, comp: Mapping[str, Any], fd: FieldDef) -> list[str]:
    """The field's value(s) as HTML text: the posted text after a refusal, else the data, else the form's default."""
    if ctx.posted is not None and not fd.readonly:
        return ctx.posted.getlist(fd.key) if fd.type in _LIST_TYPES else [ctx.posted.get(fd.key, "")]
    # A read-only field is not part of a post, so after a refusal its value comes from the task data.
    source = ctx.data if ctx.posted is not None else ctx.values
    value = source[fd.key] if fd.key in source else comp.get("defaultValue")
    if fd.type not in _LIST_TYPES:
        return [_token(value)]
    return [_token(v) for v in value] if isinstance(value, (list, tuple)) else [] if value is None else [_token(value)]


def _field(comp: Mapping[str, Any], fd: FieldDef, ctx: _Ctx) -> Markup:
    fid = f"{ctx.prefix}-{fd.key}"
    messages = _messages(ctx.errors.get(fd.key, []))
    error_ids = [f"{fid}-error-{i}" for i in range(len(messages))]
    description = comp.get("description")
    described = " ".join(([f"{fid}-description"] if description else []) + error_ids) or None
    attrs: dict[str, Any] = {
        "name": fd.key,
        # A read-only text stays selectable; other widgets only know `disabled`. The engine ignores both when posted.
        "disabled": ctx.readonly or (fd.readonly and fd.type not in _TEXT_INPUTS),
        "readonly": fd.readonly and not ctx.readonly and fd.type in _TEXT_INPUTS,
        "aria-invalid": "true" if messages else None,
    }
    required = fd.required and not ctx.readonly and not fd.readonly
    text = str(comp.get("label") or comp.get("dateLabel") or comp.get("timeLabel") or fd.key)
    label = Markup("{}{}").format(text, _MARKER if required else _EMPTY)
    below = _EMPTY.join(
        Markup('<p class="field-error" id="{}">{}</p>').format(eid, msg) for eid, msg in zip(error_ids, messages, strict=True)
    )
    if description:
        below = Markup('<p class="field-description" id="{}-description">{}</p>').format(fid, description) + below
    classes = f"field field-{fd.type}" + (" has-error" if messages else "")
    current = _current(ctx, comp, fd)
    if fd.type in ("radio", "checklist"):
        # A group is labelled by its legend, each option by its own label.
        return Markup('<fieldset class="{}"{}><legend>{}{}</legend>{}{}</fieldset>').format(
            classes, _attrs({"aria-describedby": described}), label, _HIDDEN_REQUIRED if required else _EMPTY,
            _group(fd, ctx, fid, attrs, current, required), below,
        )
    attrs.update({"id": fid, "aria-describedby": described})
    widget = _widget(fd, comp, ctx, attrs, current)
    label = Markup('<label for="{}">{}</label>').format(fid, label)
    if fd.type == "checkbox":
        return Markup('<div class="{}">{}{}{}</div>').format(classes, widget, label, below)
    if fd.type in FILE_TYPES:
        return Markup('<div class="{}">{}{}{}</div>').format(classes, label, _files(fd, comp, ctx, attrs, current), below)
    return Markup('<div class="{}">{}{}{}</div>').format(classes, label, widget, below)


def _widget(fd: FieldDef, comp: Mapping[str, Any], ctx: _Ctx, attrs: dict[str, Any], current: list[str]) -> Markup:
    text = current[0] if current else ""
    editable = not attrs["disabled"] and not attrs["readonly"]
    checks: dict[str, Any] = {"required": fd.required and editable}
    if fd.type == "checkbox":
        checked = text.strip().lower() in _TRUE
        return Markup("<input{}>").format(_attrs({"type": "checkbox", "value": "true", "checked": checked, **attrs, **checks}))
    if fd.type in ("select", "taglist"):
        multi = fd.type == "taglist"
        options = [] if multi else [Markup('<option value="">请选择</option>')]
        options += [
            Markup("<option{}>{}</option>").format(_attrs({"value": _token(v), "selected": _token(v) in current}), label)
            for label, v in _choices(fd, ctx.data)
        ]
        return Markup("<select{}>{}</select>").format(_attrs({**attrs, "multiple": multi, **checks}), _EMPTY.join(options))
    if editable and fd.type in ("textfield", "textarea"):
        checks.update(minlength=fd.min_length, maxlength=max_length(fd))
    if fd.type == "textarea":
        # HTML parsers drop one newline right after the tag, so a value's own leading newline survives.
        return Markup('<textarea{} rows="5">\n{}</textarea>').format(_attrs({**attrs, **checks}), text)
    kind = "text"
    if fd.type == "number":
        kind, step = "number", comp.get("increment")
        if editable:
            checks.update(min=fd.minimum, max=fd.maximum)
        checks["step"] = step if isinstance(step, (int, float, str)) and not isinstance(step, bool) and step else "any"
    elif fd.type == "datetime":
        kind = _DATE_INPUTS.get(fd.subtype or "date", "date")
    elif fd.pattern and editable:
        # form-js finds a pattern anywhere in the value, while HTML matches it against the whole value.
        checks["pattern"] = f".*(?:{fd.pattern}).*"
    if text and kind in _WIDGET_VALUE and not _WIDGET_VALUE[kind].fullmatch(text):
        kind, checks = "text", {"required": checks["required"]}
    return Markup("<input{}>").format(_attrs({"type": kind, **attrs, "value": text, **checks}))


def _files(fd: FieldDef, comp: Mapping[str, Any], ctx: _Ctx, attrs: dict[str, Any], current: list[str]) -> Markup:
    """The files already picked (each a ticked box: untick to leave it out; the file stays in the case) and a file
    input for more. The files' ids travel in the form, so a refused form still lists what was uploaded."""
    editable = not attrs["disabled"]
    picked = [int(v) for v in current if v.isdecimal() and len(v) < 10]
    items = _EMPTY.join(
        Markup('<li>{}<span class="file-name">{}</span></li>').format(
            Markup("<input{}>").format(_attrs({"type": "checkbox", "name": fd.key, "value": str(i), "checked": True,
                                                "aria-label": ctx.files.get(i, f"#{i}"),
                                                "aria-invalid": attrs.get("aria-invalid")})) if editable else _EMPTY,
            ctx.files.get(i, f"#{i}"))
        for i in picked
    )
    listed = Markup('<ul class="picked-files">{}</ul>').format(items) if picked else _EMPTY
    if not editable:
        return listed or Markup('<p class="field-empty">未上传文件</p>')
    accept = comp.get("accept")
    chooser = Markup("<input{}>").format(_attrs({
        **attrs, "type": "file", "multiple": fd.multiple, "required": fd.required and not picked,
        # form-js also takes an expression here; only a plain list of types is a browser's hint.
        "accept": accept if isinstance(accept, str) and not accept.startswith("=") and "{{" not in accept else None,
    }))
    return listed + chooser


def _group(fd: FieldDef, ctx: _Ctx, fid: str, attrs: dict[str, Any], current: list[str], required: bool) -> Markup:
    choices = _choices(fd, ctx.data)
    if not choices:
        return Markup('<p class="field-empty">无可选项</p>')
    kind = "checkbox" if fd.type == "checklist" else "radio"
    return Markup('<div class="options">{}</div>').format(_EMPTY.join(
        Markup('<div class="option"><input{}><label for="{}-{}">{}</label></div>').format(
            _attrs({"type": kind, "id": f"{fid}-{i}", **attrs, "value": _token(v), "checked": _token(v) in current,
                    # HTML cannot demand "at least one" of a checkbox group; the server checks it.
                    "required": required and kind == "radio"}),
            fid, i, label,
        )
        for i, (label, v) in enumerate(choices)
    ))


def _word(value: Any) -> str:
    # Outcomes are stored as codes; a text shows them as their words.
    return str(OUTCOME_LABELS[value]) if isinstance(value, str) and value in OUTCOME_LABELS else _token(value)


def _fill(template: str, data: Mapping[str, Any]) -> Markup:
    """Text with {{name}} placeholders filled from task data; everything escaped, line breaks kept."""
    parts: list[str] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        value: Any = data
        for name in match.group(1).split("."):
            value = value.get(name) if isinstance(value, Mapping) else None
        parts += [template[last:match.start()], "、".join(map(_word, value)) if isinstance(value, list) else _word(value)]
        last = match.end()
    parts.append(template[last:])
    return _EMPTY.join(_BR.join(part.splitlines()) for part in parts)


def _text(source: str, data: Mapping[str, Any]) -> Markup:
    """A small, safe reading of form-js markdown: headings, paragraphs, line breaks and **bold**; no HTML passes."""
    blocks: list[Markup] = []
    for paragraph in re.split(r"\n\s*\n", source.strip()):
        lines: list[Markup] = []
        for line in paragraph.splitlines():
            heading = _HEADING.fullmatch(line.strip())
            # re.split puts the bold text at the odd positions.
            bits = enumerate(_BOLD.split(heading.group(1) if heading else line))
            html = _EMPTY.join(Markup("<strong>{}</strong>").format(_fill(b, data)) if i % 2 else _fill(b, data) for i, b in bits)
            if heading:
                blocks += [Markup("<p>{}</p>").format(_BR.join(lines))] if lines else []
                blocks.append(Markup('<h3 class="form-text-heading">{}</h3>').format(html))
                lines = []
            else:
                lines.append(html)
        blocks += [Markup("<p>{}</p>").format(_BR.join(lines))] if lines else []
    return Markup('<div class="form-text">{}</div>').format(_EMPTY.join(blocks))


def _display(comp: Mapping[str, Any], ctx: _Ctx) -> Markup:
    if comp.get("type") == "text":
        return _text(str(comp.get("text") or ""), ctx.data)
    if comp.get("type") in _LAYOUT:
        return _LAYOUT[comp["type"]]
    source, alt = str(comp.get("source") or ""), str(comp.get("alt") or "")
    # Only web and same-site addresses: a form must not bring script or data URLs into the page.
    if source and urlsplit(source).scheme in ("", "http", "https") and not source.startswith("="):
        return Markup('<img class="form-image" src="{}" alt="{}">').format(source, alt)
    return Markup('<p class="form-image-missing">{}</p>').format(alt) if alt else _EMPTY


def _components(components: Any, fields: Mapping[str, FieldDef], ctx: _Ctx) -> Iterator[Markup]:
    for comp in components if isinstance(components, list) else []:
        if not isinstance(comp, Mapping):
            continue
        if comp.get("type") == "group":
            inner = _EMPTY.join(_components(comp.get("components"), fields, ctx))
            yield Markup('<fieldset class="form-group"><legend>{}</legend>{}</fieldset>').format(comp.get("label") or "", inner)
        elif comp.get("type") in DISPLAY_TYPES:
            yield _display(comp, ctx)
        elif isinstance(comp.get("key"), str) and comp["key"] in fields:
            yield _field(comp, fields[comp["key"]], ctx)


def render_form(
    definition: Mapping[str, Any] | FormDefinition,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    options_data: Mapping[str, Any] | None = None,
    readonly: bool = False,
    id_prefix: str = "field",
    file_names: Mapping[int, str] | None = None,
) -> Markup:
    """Render a form-js form's fields as HTML (no <form> element, no buttons), each error beside its field;
    file pickers list the picked files by their names in `file_names` (the case's attachments by id)."""
    form = _definition(definition)
    posted = values.posted if isinstance(values, Submission) else values if isinstance(values, MultiDict) else None
    ctx = _Ctx(values, posted, errors or {}, options_data if options_data is not None else values, readonly, id_prefix,
               file_names or {})
    fields = {fd.key: fd for fd in form.fields}
    general = [
        Markup("<li>{}</li>").format(message) if key == FORM_ERRORS else Markup("<li>{}：{}</li>").format(key, message)
        for key, value in ctx.errors.items() if key not in fields
        for message in _messages(value)
    ]
    top = Markup('<div class="form-errors" role="alert"><ul>{}</ul></div>').format(_EMPTY.join(general)) if general else _EMPTY
    body = _EMPTY.join(_components(form.source.get("components"), fields, ctx))
    return Markup('<div class="form-body">{}{}</div>').format(top, body)


def _number(raw: str) -> int | float | str:
    text = raw.strip()
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text) and math.isfinite(number := float(text)):
            return number
    except ValueError:  # more digits than Python converts: the engine reports the raw text
        pass
    return raw


def _checkbox(posted: list[str]) -> bool | str:
    # Anything but a yes or a no goes to the engine as typed, to be refused there.
    words = [p.strip().lower() for p in posted]
    return True if any(w in _TRUE for w in words) else False if all(w in _FALSE for w in words) else posted[0]


def error_summary(definition: Mapping[str, Any] | FormDefinition, errors: Mapping[str, Any],
                  prefix: str = "field") -> list[tuple[str, str, str]]:
    """A refused form's problems in form order, for a summary above a long form: (the field's element id, its
    label, the message); problems of no field come last without an id."""
    form = _definition(definition)
    summary = [(f"{prefix}-{fd.key}", fd.label or fd.key, message) for fd in form.fields
               for message in _messages(errors.get(fd.key, []))]
    known = {fd.key for fd in form.fields}
    summary += [("", "", message) for key, value in errors.items() if key not in known for message in _messages(value)]
    return summary


def file_keys(definition: Mapping[str, Any] | FormDefinition) -> tuple[str, ...]:
    """The keys of the form's editable file pickers."""
    return tuple(fd.key for fd in _definition(definition).fields if fd.type in FILE_TYPES and not fd.readonly)


def parse_submission(
    definition: Mapping[str, Any] | FormDefinition,
    form: MultiDict[str, str],
    options_data: Mapping[str, Any] | None = None,
) -> Submission:
    """Turn a posted HTML form into the form data the engine validates: typed values of the form's own keys."""
    data: dict[str, Any] = {}
    for fd in _definition(definition).fields:
        if fd.readonly:
            continue  # shown for reading; the engine would ignore it anyway
        choices = _choices(fd, options_data or {})
        # Posted option text maps back to the option's own value, which may be a number or a boolean.
        option = {_token(value): value for _, value in reversed(choices)}
        if fd.type == "checkbox":
            data[fd.key] = _checkbox(form.getlist(fd.key))
        elif fd.type in FILE_TYPES:
            # Ids of files already attached; a new file arrives beside the form and is attached first (views_task).
            data[fd.key] = [int(v) if v.isdecimal() and len(v) < 10 else v for v in form.getlist(fd.key) if v != ""]
        elif fd.type in MULTI_TYPES:
            data[fd.key] = [option.get(v, v) for v in form.getlist(fd.key) if v != ""]
        elif (raw := form.get(fd.key)) is None or (raw == "" and not fd.required):
            continue
        elif raw == "":
            data[fd.key] = raw  # the engine reports the missing answer
        elif fd.type == "number":
            data[fd.key] = _number(raw)
        elif fd.type in ("select", "radio"):
            data[fd.key] = option.get(raw, raw)
        else:
            # Browsers post line breaks as CRLF but count each as one character for maxlength; so does the engine then.
            data[fd.key] = raw.replace("\r\n", "\n").replace("\r", "\n") if fd.type == "textarea" else raw
    return Submission(data, form)
