"""The content of an official document, built once from case data, kept as JSON and rendered as DOCX and as PDF."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

ISSUING_BODY = "区容错免责裁定委员会"
SEAL_PLACE = "（盖章）"


@dataclass(frozen=True)
class Section:
    """A part of the body: an optional lead-in heading and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Body:
    """What a kind of document says to whom, before it is numbered, dated and signed."""

    addressee: str
    sections: tuple[Section, ...]
    # Who signs it when not the issuing body (the application is signed by the unit that files it).
    signed_by: str = ""


@dataclass(frozen=True)
class DocumentContent:
    """What a document says, independent of its format."""

    title: str
    number: str
    addressee: str
    sections: tuple[Section, ...]
    issuing_body: str
    date_written: str
    # The kinds of confidential case data it discloses (engine/access/disclosure.py): only their readers read it.
    discloses: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The content as canonical JSON: the same content always gives the same text, and so the same hash."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        """The hex SHA-256 of the canonical JSON, kept in the audit trail when the document is issued."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> DocumentContent:
        """The content back from its canonical JSON."""
        raw: Mapping[str, Any] = json.loads(text)
        sections = tuple(Section(str(s["heading"]), tuple(str(p) for p in s["paragraphs"])) for s in raw["sections"])
        return cls(str(raw["title"]), str(raw["number"]), str(raw["addressee"]), sections, str(raw["issuing_body"]),
                   str(raw["date_written"]), tuple(str(k) for k in raw.get("discloses") or ()))


def discloses_of(content_json: str) -> tuple[str, ...]:
    """The confidential kinds a kept document discloses, from its content as stored (built-in or templated)."""
    raw = json.loads(content_json)
    return tuple(str(k) for k in raw.get("discloses") or ()) if isinstance(raw, Mapping) else ()


def paragraphs(*texts: str) -> tuple[str, ...]:
    """The non-empty paragraphs of the texts, a text's own line breaks starting new paragraphs."""
    return tuple(line.strip() for text in texts for line in text.splitlines() if line.strip())


def numbered(parts: list[tuple[str, tuple[str, ...]]]) -> tuple[Section, ...]:
    """Sections headed 一、二、三… in order, the empty ones left out (a document does not print an empty heading)."""
    digits = "一二三四五六七八九十"
    kept = [(h, p) for h, p in parts if p]
    return tuple(Section(f"{digits[i]}、{heading}" if heading else "", body) for i, (heading, body) in enumerate(kept))
