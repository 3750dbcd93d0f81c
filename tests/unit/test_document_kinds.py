"""The kinds of official document: each has a number pattern and a writer, the shipped steps name only known kinds,
a model naming an unknown kind is refused on deploy with its line, and a document never prints a code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from engine.bundles.definitions import load_bundle
from engine.bundles.shipped import SHIPPED, collect
from engine.config import DEFAULT_DOCUMENT_PATTERNS, DEFAULT_LIMITS
from engine.documents.content import DocumentContent
from engine.documents.kinds import KINDS, compose
from engine.errors import ModelInvalid
from engine.groups import GROUP_LABELS
from engine.procedure.issuing import facts_of
from tests.support.bpmn import mini_files
from tests.support.driver import APPLICATION, LOOKS_EXEMPT


def test_every_kind_with_a_number_pattern_has_a_writer_and_a_title() -> None:
    assert set(KINDS) == set(DEFAULT_DOCUMENT_PATTERNS)
    assert len({k.title for k in KINDS.values()}) == len(KINDS)


def test_the_shipped_procedure_issues_every_kind_somewhere() -> None:
    bundle = load_bundle(collect(SHIPPED)[0], GROUP_LABELS, DEFAULT_LIMITS)
    issued = {kind for entries in bundle.entries.values() for e in entries.values() for kind in e.issues}
    issued |= {kind for xml in bundle.files.values() for kind in KINDS if f'value="{kind}' in xml.decode("utf-8", "ignore")
               or f",{kind}" in xml.decode("utf-8", "ignore")}
    assert issued == set(KINDS)


def test_a_model_naming_an_unknown_document_is_refused_with_its_line() -> None:
    files: Mapping[str, bytes] = mini_files()
    bpmn = files["mini.bpmn"].decode("utf-8").replace(
        '<spiffworkflow:property name="limit" value="acceptance"/>',
        '<spiffworkflow:property name="limit" value="acceptance"/>\n'
        '<spiffworkflow:property name="issues" value="ruling_letter,love_letter"/>')
    with pytest.raises(ModelInvalid) as refused:
        load_bundle({**files, "mini.bpmn": bpmn.encode("utf-8")}, GROUP_LABELS, DEFAULT_LIMITS)
    [problem] = refused.value.problems
    assert problem.file == "mini.bpmn" and problem.line and "love_letter" in problem.reason


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_document_reads_in_words_and_round_trips_as_json(kind: str) -> None:
    bundle = load_bundle(collect(SHIPPED)[0], GROUP_LABELS, DEFAULT_LIMITS)
    data = {**APPLICATION, **LOOKS_EXEMPT, "outcome": "MITIGATE", "new_outcome": "NOT_TOLERATED", "motion": "EXEMPT",
            "appeal_result": "changed", "new_rectification": "none", "report_finding": "false", "harm": ["selection"],
            "clarification_forms": ["written"], "allowed_forms": [{"label": "书面澄清", "value": "written"}],
            "methods": ["document_review"], "recommended_outcome": "EXEMPT",
            "rectification_accepted": True, "meeting_date": "2026-04-20", "executed_date": "2026-05-10"}
    content = compose(kind, facts_of(bundle, data), "X纪容〔2026〕9号", date(2026, 4, 22), "区容错免责裁定委员会")
    text = "".join(p for s in content.sections for p in (s.heading, *s.paragraphs))
    assert content.title == KINDS[kind].title and "2026年4月22日" == content.date_written
    assert str(APPLICATION["cadre_name"]) in text
    codes = {"EXEMPT", "MITIGATE", "NOT_TOLERATED", "public_unintentional", "selection", "written", "document_review"}
    assert not {c for c in codes if c in text}, text
    assert all(s.paragraphs for s in content.sections)  # no heading printed without its text
    assert DocumentContent.from_json(content.to_json()) == content
