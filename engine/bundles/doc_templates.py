"""Document templates in a bundle: `<kind>.docx` files with placeholders, checked like the other files on deploy.

A process owner replaces the built-in layout of a kind of document by uploading a DOCX in which placeholders
(`{{ cadre_name }}`, `{{ number }}`, `{%p for p in body %}…`) stand for the case's words. Templates run in Jinja's
sandbox and reach only the values they are given: the case data in words and the document's own parts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection
from functools import cache

from docx.opc.exceptions import OpcError
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import LxmlError

from engine.config import DEFAULT_DOCUMENT_PATTERNS

SUFFIX = ".docx"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
# A DOCX is a zip: what it unpacks to is bounded too, so that a small file cannot expand without end.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# The document's own parts, beside the case data: what the built-in layout would print.
DOCUMENT_FIELDS = frozenset({"title", "number", "date_written", "issuing_body", "addressee", "body", "correction_note"})
# Case values no form records: the decision table's outcome, the carried motion, the meeting's record, the report day.
CASE_WORDS = frozenset({"recommended_outcome", "carried_outcome", "meeting_record", "report_date", "entry"})


def template_kind(name: str) -> str | None:
    """The kind of document a bundle file is the template of (`ruling_letter.docx`), or None."""
    return name[: -len(SUFFIX)] if name.lower().endswith(SUFFIX) else None


@cache
def environment() -> SandboxedEnvironment:
    """The sandboxed Jinja environment templates are checked and filled in."""
    return SandboxedEnvironment(autoescape=False)


def _unpacked(content: bytes) -> list[str]:
    if len(content) > MAX_TEMPLATE_BYTES:
        return [f"模板文件过大（不能超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB）"]
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                return ["模板文件解压后过大"]
    except zipfile.BadZipFile:
        return ["不是 Word 文档（.docx）"]
    return [] if "word/document.xml" in names else ["不是 Word 文档（.docx）：缺少正文 word/document.xml"]


def check_template(name: str, content: bytes, known: Collection[str] | None = None) -> list[str]:
    """Why a template cannot be used (empty when it can): its name, its file, its placeholders' syntax and, when
    `known` names the values there are, placeholders naming anything else."""
    kind = template_kind(name)
    if kind not in DEFAULT_DOCUMENT_PATTERNS:
        return [f"模板文件名应为文书类型加 .docx（{'、'.join(f'{k}.docx' for k in DEFAULT_DOCUMENT_PATTERNS)}）"]
    if problems := _unpacked(content):
        return problems
    from docxtpl import DocxTemplate  # loaded on first use: it pulls in python-docx

    try:
        used = DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(environment())
    except TemplateSyntaxError as exc:
        return [f"模板占位符写法有误（第 {exc.lineno} 行）：{exc.message}"]
    # What python-docx and Jinja raise on a damaged document or template: each is a refusal, not an error.
    except (TemplateError, OpcError, LxmlError, ValueError, KeyError, AttributeError) as exc:
        return [f"模板无法读取：{type(exc).__name__}"]
    unknown = sorted(set(used) - set(known) - DOCUMENT_FIELDS - CASE_WORDS) if known is not None else []
    return [f"模板引用了未知的字段：{'、'.join(unknown)}"] if unknown else []
