"""The characters and two-character sequences a case is indexed by, and what a search looks up."""

from __future__ import annotations

from engine.persistence.case_words import exact, grams, looked_up


def test_characters_and_pairs_are_distinct_lower_case_and_never_span_a_space() -> None:
    assert grams("张明") == ["张", "张明", "明"]
    assert grams("招商 招商") == ["招", "招商", "商"]
    assert grams("GDP 增长", None) == ["g", "gd", "d", "dp", "p", "增", "增长", "长"]
    assert grams("李华", "华东") == ["李", "李华", "华", "华东", "东"]


def test_one_character_has_no_pair_but_itself_and_nothing_has_nothing() -> None:
    assert grams("华") == ["华"] and grams(" 华 ") == ["华"] and grams(None, "") == []


def test_a_search_looks_up_its_pairs_or_else_its_character() -> None:
    assert looked_up("张明") == ["张明"] and looked_up("招商 政策") == ["招商", "政策"]
    assert looked_up("张") == ["张"] and looked_up(" Z ") == ["z"] and looked_up("  ") == []


def test_only_one_or_two_chinese_characters_or_digits_are_answered_by_the_index_alone() -> None:
    assert exact("张") == "张" and exact("张明") == "张明" and exact("42") == "42" and exact("区7") == "区7"
    # Letters fold to lower case in the index, and LIKE on PostgreSQL does not fold: those are tested with LIKE.
    assert exact("Ab") is None and exact("a") is None
    # Longer words must stand side by side, and a space or a wildcard is matched as typed.
    assert exact("招商政") is None and exact("张 ") is None and exact("%") is None and exact("") is None
