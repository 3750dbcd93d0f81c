"""Same cadre and same matter for the prior-ruling check: folding, bigram similarity, identity numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.bundles.form_definitions import compile_pattern, form_from_file
from engine.config import DEFAULT_SETTINGS
from engine.persistence.models import RectificationClosure, Ruling
from engine.procedure.prior_match import Cadre, fold, id_number, same_cadre, similarity
from engine.procedure.prior_rulings import describe

THRESHOLD = float(DEFAULT_SETTINGS["prior_matter_similarity"])
MATTER = "产业园区招商政策先行先试"
ZHANG = Cadre.of("张明", "示例区发展和改革局")
# Two numbers with valid check characters (GB 11643).
NUMBER = "11010519491231002X"
OTHER_NUMBER = "440304199003154561"
FORMS = Path(__file__).resolve().parents[2] / "forms"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_folding_drops_white_space_and_punctuation_and_makes_full_width_half_width() -> None:
    assert fold(" “产业园区”招商政策，先行先试。 ") == fold(MATTER)
    assert fold("ＡＢＣ　１２３") == "abc123"
    assert fold(None) == ""


@pytest.mark.parametrize(
    "reworded",
    [
        "  产业园区招商政策先行先试 ",
        "“产业园区”招商政策，先行先试。",
        "产业园区招商政策的先行先试",
        "先行先试产业园区招商政策",
        "关于产业园区招商政策先行先试的问题",
        "产业园区招商引资政策先行先试",
    ],
    ids=["spaces", "punctuation", "inserted-particle", "reordered", "wrapped", "inserted-word"],
)
def test_a_reworded_matter_is_the_same_matter(reworded: str) -> None:
    assert similarity(MATTER, reworded) >= THRESHOLD


@pytest.mark.parametrize(
    "other",
    ["老旧小区改造工程款延期支付", "乡村振兴项目资金拨付", "产业园区基础设施建设", "招商引资项目落地"],
)
def test_an_unrelated_matter_is_not(other: str) -> None:
    assert similarity(MATTER, other) < THRESHOLD


def test_similarity_is_symmetric_and_bounded() -> None:
    assert similarity(MATTER, MATTER) == 1.0
    assert similarity(MATTER, "") == similarity("", "") == 0.0
    assert similarity(MATTER, "先行先试产业园区招商政策") == similarity("先行先试产业园区招商政策", MATTER)
    # A single character compares whole.
    assert similarity("甲", "甲") == 1.0 and similarity("甲", "乙") == 0.0


def test_the_same_name_in_the_same_unit_is_the_same_cadre() -> None:
    assert same_cadre(Cadre.of("张 明", " 示例区发展和改革局 "), ZHANG)
    assert same_cadre(ZHANG, Cadre.of("张明", "示例区发展和改革局", NUMBER))


def test_the_same_name_in_another_unit_is_another_cadre() -> None:
    assert not same_cadre(Cadre.of("张明", "示例区教育局"), ZHANG)
    assert not same_cadre(Cadre.of("张敏", "示例区发展和改革局"), ZHANG)


def test_an_old_record_without_a_unit_matches_on_the_name() -> None:
    assert same_cadre(ZHANG, Cadre.of("张明"))
    assert not same_cadre(ZHANG, Cadre.of("李华"))


def test_the_identity_number_wins_over_name_and_unit() -> None:
    # Transferred to another unit, name written differently: the number says it is the same person.
    assert same_cadre(Cadre.of("张 明", "示例区教育局", NUMBER), Cadre.of("张明", "示例区发展和改革局", NUMBER))
    # Same name and unit, different numbers: namesakes in one unit are two people.
    assert not same_cadre(Cadre.of("张明", "示例区发展和改革局", NUMBER), Cadre.of("张明", "示例区发展和改革局", OTHER_NUMBER))


def test_identity_numbers_are_normalized_and_a_mistyped_one_is_ignored() -> None:
    assert id_number(" １１０１０５１９４９１２３１００２ｘ ") == NUMBER
    assert id_number("11010519491231002x") == NUMBER
    assert id_number("110105194912310021") is None  # wrong check character
    assert id_number("1101051949123100") is None
    assert id_number("") is None and id_number(None) is None
    # A mistyped number counts as not given: name and unit decide.
    mistyped = Cadre.of("张明", "示例区发展和改革局", "110105194912310021")
    assert mistyped.id_number is None and same_cadre(mistyped, Cadre.of("张明", "示例区发展和改革局", NUMBER))


@pytest.mark.parametrize("form", ["application", "pre_check"])
def test_both_start_forms_take_an_optional_identity_number_of_the_right_shape(form: str) -> None:
    field = next(fd for fd in form_from_file(FORMS / f"{form}.json").fields if fd.key == "cadre_id_number")
    assert (field.label, field.required) == ("身份证号码（选填）", False)
    pattern = compile_pattern(field.pattern)
    for good in (NUMBER, NUMBER.lower(), OTHER_NUMBER):
        assert pattern.search(good), good
    for bad in ("1101051949123100", "11010519491231002XX", "01010519491231002X", "110105194913310021", "张明", ""):
        assert not pattern.search(bad), bad


def test_the_summary_names_the_case_outcome_day_matter_likeness_and_closure() -> None:
    # 17:00 UTC on 2 March is 3 March in Beijing.
    at = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    ruling = Ruling(id=7, case_id=3, kind="ruling", cadre_name="张明", matter=MATTER, outcome="MITIGATE", decided_at=at,
                    reference="问责〔2026〕3号")
    closure = RectificationClosure(case_id=3, cadre_name="张明", cadre_key="张明", matter=MATTER, accepted_at=at,
                                   requirements="健全制度" * 30, deadline=date(2026, 6, 30))
    text = describe(3, ruling, closure, 0.8666, SHANGHAI)
    assert text.startswith("案件 3（问责案件编号 问责〔2026〕3号）裁定从轻或减轻处理，于 2026-03-03 办结。")
    assert f"该案事项为“{MATTER}”，与本次事项的相似度为 87%。" in text
    assert "该问题已于 2026-03-03 整改销号（整改要求：" in text and "……，整改期限 2026-06-30）" in text
    clarified = Ruling(id=8, case_id=4, kind="clarification", cadre_name="张明", matter=MATTER, outcome=None, decided_at=at)
    assert describe(4, clarified, None, 1.0, SHANGHAI).startswith("案件 4 予以澄清正名，于 2026-03-03 办结。")
    assert describe(5, None, closure, 0.7, SHANGHAI).startswith("案件 5 已作出裁定。")
