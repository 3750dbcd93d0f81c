"""The two-character sequences a case is indexed by."""

from __future__ import annotations

from engine.persistence.case_words import grams


def test_pairs_are_distinct_lower_case_and_never_span_a_space() -> None:
    assert grams("张明") == ["张明"]
    assert grams("招商 招商") == ["招商"]
    assert grams("GDP 增长", None) == ["gd", "dp", "增长"]
    assert grams("李华", "华东") == ["李华", "华东"]


def test_one_character_or_nothing_has_no_pair() -> None:
    assert grams("华") == [] and grams(None, "") == [] and grams(" 华 ") == []
