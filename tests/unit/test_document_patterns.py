"""Document number patterns from the configuration, and the year a document is numbered in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.config import DEFAULT_DOCUMENT_PATTERNS, EngineConfig, load_config
from engine.errors import NotFound
from engine.procedure.document_numbers import format_number, issuing_year

PROCEDURE_DOCUMENTS = {
    "application", "acceptance_notice", "refusal_notice", "supplement_notice", "investigation_report", "meeting_minutes",
    "ruling_letter", "feedback_notice", "filing_notice", "rectification_verification", "clarification_decision",
    "clarification_letter", "appeal_decision", "prior_filing_certificate",
}


def test_every_document_of_the_procedure_has_a_default_pattern() -> None:
    config = load_config({})
    assert set(config.document_patterns) == PROCEDURE_DOCUMENTS
    assert format_number(config, "ruling_letter", 2026, 3) == "X纪容裁〔2026〕3号"
    texts = {format_number(config, kind, 2026, 1) for kind in PROCEDURE_DOCUMENTS}
    assert len(texts) == len(PROCEDURE_DOCUMENTS)  # no two kinds print the same number


def test_the_prefix_and_patterns_come_from_the_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "rcjc.toml"
    path.write_text('[settings]\ndocument_prefix = "示区"\n\n[documents.patterns]\n'
                    'ruling_letter = "{prefix}纪容决〔{year}〕{seq:03d}号"\nsummons = "{prefix}通〔{year}〕{seq}号"\n',
                    encoding="utf-8")
    config = load_config({"RCJC_CONFIG": str(path)})
    assert format_number(config, "ruling_letter", 2027, 7) == "示区纪容决〔2027〕007号"
    assert format_number(config, "summons", 2027, 12) == "示区通〔2027〕12号"
    assert format_number(config, "feedback_notice", 2027, 1) == "示区纪容反〔2027〕1号"


def test_environment_variables_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rcjc.toml"
    path.write_text('[documents.patterns]\nruling_letter = "A〔{year}〕{seq}号"\n', encoding="utf-8")
    config = load_config({"RCJC_CONFIG": str(path), "RCJC_DOCUMENT_PATTERN_RULING_LETTER": "B裁〔{year}〕{seq}号",
                          "RCJC_DOCUMENT_PREFIX": "Y"})
    assert format_number(config, "ruling_letter", 2026, 2) == "B裁〔2026〕2号"
    assert format_number(config, "acceptance_notice", 2026, 2) == "Y纪容受〔2026〕2号"


@pytest.mark.parametrize(("environ", "words"), [
    ({"RCJC_DOCUMENT_PATTERN_RULING_LETTER": "X纪容裁〔{year}〕号"}, "must contain {seq}"),
    ({"RCJC_DOCUMENT_PATTERN_RULING_LETTER": "X纪容裁〔{yr}〕{seq}号"}, "may use only {prefix}, {year}, {seq}"),
    ({"RCJC_DOCUMENT_PATTERN_RULING_LETTER": "X〔{year}〕{seq.real}号"}, "may use only"),
    ({"RCJC_DOCUMENT_PATTERN_RULING_LETTER": "X〔{year}〕{seq号"}, "is not a valid pattern"),
    ({"RCJC_DOCUMENT_PATTERN_RULING_LETTER": "X〔{year}〕{seq:q}号"}, "is not a valid pattern"),
    ({"RCJC_DOCUMENT_PATTERN_RULING-LETTER": "X〔{year}〕{seq}号"}, "lower-case name"),
], ids=["no-seq", "unknown-field", "attribute", "unclosed", "bad-spec", "bad-kind"])
def test_a_pattern_that_cannot_number_is_refused_at_start_up(environ: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match="document") as refused:
        load_config(environ)
    assert words in str(refused.value)


def test_a_pattern_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rcjc.toml"
    path.write_text("[documents.patterns]\nruling_letter = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ruling_letter: must be text"):
        load_config({"RCJC_CONFIG": str(path)})


def test_an_unconfigured_kind_has_no_number() -> None:
    with pytest.raises(NotFound, match="未配置文书类型 memo 的文号格式"):
        format_number(EngineConfig(), "memo", 2026, 1)
    assert EngineConfig().document_patterns == DEFAULT_DOCUMENT_PATTERNS


def test_the_year_is_the_issuing_day_s_year_in_the_configured_time_zone() -> None:
    new_year_in_beijing = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Beijing
    assert issuing_year(new_year_in_beijing, "Asia/Shanghai") == 2027
    assert issuing_year(new_year_in_beijing, "UTC") == 2026
