"""Documents written from a process owner's DOCX template instead of the built-in layout.

The template's placeholders are filled in Jinja's sandbox from the case's words (choices by their labels, dates in
Chinese) and the document's own parts (number, date, issuing body, and the built-in body as `body`). Only the values
a template uses are kept with the document, so what it discloses is known: a template printing votes is readable
only by those who may read the deliberation.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError

from engine.access import disclosure
from engine.bundles.doc_templates import environment
from engine.documents.content import DocumentContent
from engine.documents.facts import Facts
from engine.errors import Conflict

MAX_WORDS = 20_000  # characters of one value: a template cannot be made to print the whole case many times over


@dataclass(frozen=True)
class TemplatedContent:
    """What a templated document says: the template it is filled from and the values it uses."""

    title: str
    number: str
    template_sha256: str
    fields: Mapping[str, Any]
    discloses: tuple[str, ...] = ()

    def to_json(self) -> str:
        """Canonical JSON, as kept with the document and hashed in the audit trail."""
        return json.dumps({"title": self.title, "number": self.number, "template_sha256": self.template_sha256,
                           "fields": dict(self.fields), "discloses": list(self.discloses)},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        """The hex SHA-256 of the canonical JSON."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> TemplatedContent | None:
        """The content back from its JSON; None when it is a built-in document's."""
        raw = json.loads(text)
        if not isinstance(raw, Mapping) or "template_sha256" not in raw:
            return None
        return cls(str(raw["title"]), str(raw["number"]), str(raw["template_sha256"]), dict(raw["fields"]),
                   tuple(str(k) for k in raw.get("discloses") or ()))


def used_names(template: bytes) -> set[str]:
    """The names a (checked) template's placeholders use."""
    from docxtpl import DocxTemplate  # loaded on first use

    return set(DocxTemplate(io.BytesIO(template)).get_undeclared_template_variables(environment()))


def body_lines(content: DocumentContent) -> list[str]:
    """The built-in body as paragraphs, each part's heading leading its first paragraph."""
    return [f"{s.heading}：{p}" if s.heading and i == 0 else p for s in content.sections for i, p in enumerate(s.paragraphs)]


def templated(template: bytes, facts: Facts, built: DocumentContent) -> TemplatedContent:
    """The values a template uses, from the case's words and the built-in document's parts."""
    parts: dict[str, Any] = {"title": built.title, "number": built.number, "date_written": built.date_written,
                             "issuing_body": built.issuing_body, "addressee": built.addressee, "body": body_lines(built)}
    used = used_names(template)
    fields = {name: parts[name] if name in parts else facts.word(name)[:MAX_WORDS] for name in sorted(used)}
    fields.pop("correction_note", None)  # only a correction has one
    kinds = set(built.discloses) | set(disclosure.kinds_of_fields(used & set(facts.data)))
    return TemplatedContent(built.title, built.number, hashlib.sha256(template).hexdigest(), fields,
                            tuple(sorted(kinds)))


def fill(template: bytes, content: TemplatedContent) -> bytes:
    """The template filled with the document's values, as DOCX; a correction's note closes it if the template does
    not place it. Raises: Conflict when the template fails at filling (it passed the checks on deploy)."""
    from docxtpl import DocxTemplate  # loaded on first use

    document = DocxTemplate(io.BytesIO(template))
    correction_note = str(content.fields.get("correction_note") or "")
    try:
        document.render({**content.fields, "correction_note": correction_note}, jinja_env=environment(),
                        autoescape=True)
    except TemplateError as exc:
        raise Conflict("文书 %(number)s 无法按模板生成：%(exc)s", number=content.number, exc=exc) from exc
    if correction_note and "correction_note" not in used_names(template):
        document.docx.add_paragraph(correction_note)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
