"""The anonymising rules: what the source case names goes, as does any amount of money or place; ordinary words
that merely contain 市 or 区 stay; the check names what is left."""

from __future__ import annotations

from engine.procedure.anonymise import Identifiers, anonymise, leaks

IDS = Identifiers.of("张明", ["示例区发展和改革局", None, ""], "11010519491231002X", 12000)


def test_the_source_cases_names_amounts_and_places_are_replaced() -> None:
    text = ("张明任示例区发展和改革局副局长，在示例区幸福村推进招商，造成12,000元损失，另有3.5万元延期拨付；"
            "城关镇政府配合，身份证号码11010519491231002X。")
    assert anonymise(text, IDS) == ("某干部任某单位副局长，在某地推进招商，造成若干元损失，另有若干元延期拨付；"
                                    "某地政府配合，身份证号码若干。")


def test_words_that_only_contain_a_division_stay() -> None:
    text = "超市和市场秩序正常，园区企业按期投产。"
    assert anonymise(text, IDS) == text


def test_the_check_names_what_is_left() -> None:
    assert leaks("某干部在某地推进招商。", IDS) == []
    assert leaks("张明所在的示例区发展和改革局损失12000元", IDS) == [
        "仍含干部姓名“张明”", "仍含单位名称“示例区发展和改革局”", "仍含数字“12000”（金额或身份证号码）", "仍含金额“12000元”"]
