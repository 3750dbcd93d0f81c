from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.bundles.form_definitions import FormDefinition, form_from_file, load_form
from engine.bundles.form_submissions import MAX_LIST_ITEMS, check_payload_size, validate_submission
from engine.errors import FormInvalid, ModelInvalid


def form(*components: dict[str, Any], form_id: str = "f") -> FormDefinition:
    return load_form({"id": form_id, "type": "default", "components": list(components)}, "f.json")


def errors_of(definition: FormDefinition, data: dict[str, Any], **context: Any) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as caught:
        validate_submission(definition, data, context)
    return caught.value.fields


TEXT = {
    "type": "textfield",
    "key": "name",
    "label": "姓名",
    "validate": {"required": True, "minLength": 2, "maxLength": 4},
}
DECISION = {
    "type": "radio",
    "key": "decision",
    "validate": {"required": True},
    "values": [{"label": "同意", "value": "agree"}, {"label": "不同意", "value": "disagree"}],
}
FLAG = {"type": "select", "key": "urgent", "values": [{"label": "是", "value": True}, {"label": "否", "value": False}]}


def test_required_missing_and_blank() -> None:
    f = form(TEXT)
    assert errors_of(f, {}) == {"name": ["此项为必填项"]}
    assert errors_of(f, {"name": ""}) == {"name": ["此项为必填项"]}
    assert errors_of(f, {"name": None}) == {"name": ["此项为必填项"]}


def test_optional_empty_string_omitted() -> None:
    f = form({"type": "textarea", "key": "note"}, {"type": "number", "key": "amount"})
    assert validate_submission(f, {"note": "", "amount": None}) == {}


def test_lengths() -> None:
    f = form(TEXT)
    assert errors_of(f, {"name": "甲"}) == {"name": ["长度应在 2 到 4 个字符之间"]}
    assert errors_of(f, {"name": "甲乙丙丁戊"}) == {"name": ["长度应在 2 到 4 个字符之间"]}
    assert validate_submission(f, {"name": "张三"}) == {"name": "张三"}
    only_max = form({"type": "textfield", "key": "code", "validate": {"maxLength": 3}})
    assert errors_of(only_max, {"code": "abcd"}) == {"code": ["长度不能超过 3 个字符"]}


def test_wrong_enum_value() -> None:
    f = form(DECISION)
    assert errors_of(f, {"decision": "maybe"}) == {"decision": ["选项无效"]}
    assert validate_submission(f, {"decision": "agree"}) == {"decision": "agree"}


def test_boolean_options_are_strict() -> None:
    f = form(FLAG)
    assert validate_submission(f, {"urgent": False}) == {"urgent": False}
    assert errors_of(f, {"urgent": 1}) == {"urgent": ["选项无效"]}
    assert errors_of(f, {"urgent": "true"}) == {"urgent": ["选项无效"]}


def test_undeclared_key_reported_under_itself() -> None:
    f = form(DECISION)
    assert errors_of(f, {"decision": "agree", "assignee": "boss"}) == {"assignee": ["未知字段"]}
    assert errors_of(f, {"decision": "agree", "assignee": ""}) == {"assignee": ["未知字段"]}


@pytest.mark.parametrize(
    ("component", "value"),
    [
        ({"type": "textfield", "key": "x"}, 12),
        ({"type": "number", "key": "x"}, "12"),
        ({"type": "number", "key": "x"}, True),
        ({"type": "checkbox", "key": "x"}, "yes"),
        ({"type": "checkbox", "key": "x"}, 1),
        ({"type": "checklist", "key": "x", "values": [{"label": "A", "value": "a"}]}, "a"),
        ({"type": "datetime", "key": "x", "subtype": "date"}, "2025/01/02"),
        ({"type": "datetime", "key": "x", "subtype": "date"}, 20250102),
        ({"type": "datetime", "key": "x", "subtype": "datetime"}, "yesterday"),
        ({"type": "radio", "key": "x", "values": [{"label": "A", "value": "a"}]}, ["a"]),
    ],
)
def test_wrong_types(component: dict[str, Any], value: Any) -> None:
    assert list(errors_of(form(component), {"x": value})) == ["x"]


def test_types_come_back_json_ready() -> None:
    f = form(
        {"type": "number", "key": "count"},
        {"type": "number", "key": "ratio"},
        {"type": "checkbox", "key": "confirmed"},
        {"type": "datetime", "key": "day", "subtype": "date"},
        {"type": "datetime", "key": "at", "subtype": "datetime"},
        {"type": "datetime", "key": "clock", "subtype": "time"},
        {"type": "taglist", "key": "tags", "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]},
    )
    clean = validate_submission(
        f,
        {
            "count": 3,
            "ratio": 0.5,
            "confirmed": False,
            "day": "2025-10-09",
            "at": "2025-10-09T08:30:00+08:00",
            "clock": "09:15",
            "tags": ["b"],
        },
    )
    assert clean == {
        "count": 3,
        "ratio": 0.5,
        "confirmed": False,
        "day": "2025-10-09",
        "at": "2025-10-09T08:30:00+08:00",
        "clock": "09:15:00",
        "tags": ["b"],
    }
    assert type(clean["count"]) is int and type(clean["ratio"]) is float
    json.dumps(clean)


def test_range() -> None:
    f = form({"type": "number", "key": "n", "validate": {"min": 1, "max": 10}})
    assert errors_of(f, {"n": 0}) == {"n": ["数值应在 1 到 10 之间"]}
    assert errors_of(f, {"n": 10.5}) == {"n": ["数值应在 1 到 10 之间"]}
    assert validate_submission(f, {"n": 10}) == {"n": 10}


def test_pattern_like_form_js() -> None:
    f = form({"type": "textfield", "key": "phone", "validate": {"pattern": "^1[0-9]{10}$"}})
    assert errors_of(f, {"phone": "12345"}) == {"phone": ["格式不正确"]}
    assert validate_submission(f, {"phone": "13800000000"}) == {"phone": "13800000000"}
    unanchored = form({"type": "textfield", "key": "code", "validate": {"pattern": "[0-9]"}})
    assert validate_submission(unanchored, {"code": "ab1"}) == {"code": "ab1"}


def test_a_pattern_that_backtracks_exponentially_elsewhere_is_answered_correctly() -> None:
    # A backtracking engine takes seconds (doubling per character) to refuse this value.
    f = form({"type": "textfield", "key": "code", "validate": {"pattern": "^(a+)+$"}})
    assert errors_of(f, {"code": "a" * 28 + "!"}) == {"code": ["格式不正确"]}
    assert validate_submission(f, {"code": "a" * 28}) == {"code": "a" * 28}


def test_javascript_code_point_escapes_in_patterns() -> None:
    f = form({"type": "textfield", "key": "name", "validate": {"pattern": "^[\\u4e00-\\u9fa5]{2,4}$"}})
    assert validate_submission(f, {"name": "张三"}) == {"name": "张三"}
    assert errors_of(f, {"name": "zhang"}) == {"name": ["格式不正确"]}
    literal = form({"type": "textfield", "key": "path", "validate": {"pattern": "^\\\\u0041$"}})
    assert validate_submission(literal, {"path": "\\u0041"}) == {"path": "\\u0041"}


def test_a_lone_surrogate_does_not_match_a_pattern() -> None:
    f = form({"type": "textfield", "key": "code", "validate": {"pattern": "a"}})
    assert errors_of(f, {"code": "a\ud800"}) == {"code": ["格式不正确"]}


@pytest.mark.parametrize("pattern", ["^(a)\\1$", "^(?=a)a", "(?<!b)a", "(?P<x>a)(?P=x)"])
def test_patterns_that_need_backtracking_are_refused_at_load_with_file_and_reason(pattern: str) -> None:
    with pytest.raises(ModelInvalid) as caught:
        form({"type": "textfield", "key": "code", "validate": {"pattern": pattern}})
    (problem,) = caught.value.problems
    assert problem.file == "f.json"
    assert "字段 code 的正则表达式不受支持" in problem.reason and "反向引用" in problem.reason


def test_checklist_values() -> None:
    component = {
        "type": "checklist",
        "key": "grounds",
        "validate": {"required": True},
        "values": [{"label": "一", "value": "one"}, {"label": "二", "value": "two"}],
    }
    f = form(component)
    assert validate_submission(f, {"grounds": ["two", "one"]}) == {"grounds": ["two", "one"]}
    assert errors_of(f, {"grounds": ["one", "three"]}) == {"grounds": ["选项无效"]}
    assert errors_of(f, {"grounds": []}) == {"grounds": ["此项为必填项"]}


def test_required_checkbox_must_be_ticked() -> None:
    f = form({"type": "checkbox", "key": "promise", "validate": {"required": True}})
    assert errors_of(f, {"promise": False}) == {"promise": ["此项为必填项"]}
    assert validate_submission(f, {"promise": True}) == {"promise": True}


def test_values_key_from_context() -> None:
    f = form({"type": "select", "key": "member", "valuesKey": "members"})
    members = [{"label": "张三", "value": "zhang"}, {"label": "李四", "value": "li"}]
    assert validate_submission(f, {"member": "li"}, {"members": members}) == {"member": "li"}
    assert validate_submission(f, {"member": "wang"}, {"members": ["wang"]}) == {"member": "wang"}
    assert errors_of(f, {"member": "wang"}, members=members) == {"member": ["选项无效"]}
    assert errors_of(f, {"member": "li"}) == {"member": ["选项无效"]}


def test_typename_refused() -> None:
    f = form({"type": "textfield", "key": "name"})
    assert errors_of(f, {"name": {"typename": "datetime", "value": "x"}}) == {"name": ["不允许的数据（含有 typename）"]}
    assert "other" in errors_of(f, {"other": [{"typename": "x"}]})


def test_only_declared_keys_returned_and_readonly_ignored() -> None:
    f = form(
        {"type": "textfield", "key": "opinion"},
        {"type": "textfield", "key": "case_no", "readonly": True},
    )
    assert f.keys == ("opinion", "case_no")
    assert validate_submission(f, {"opinion": "同意", "case_no": "forged"}) == {"opinion": "同意"}


def test_display_components_and_groups() -> None:
    f = form(
        {"type": "text", "text": "# 说明"},
        {"type": "separator"},
        {"type": "group", "label": "当事人", "components": [{"type": "textfield", "key": "cadre"}, {"type": "spacer"}]},
    )
    assert f.keys == ("cadre",)
    assert validate_submission(f, {"cadre": "王五"}) == {"cadre": "王五"}


def test_form_key_named_like_schema_method() -> None:
    f = form({"type": "textfield", "key": "load"}, {"type": "textfield", "key": "fields"})
    assert validate_submission(f, {"load": "a", "fields": "b"}) == {"load": "a", "fields": "b"}


@pytest.mark.parametrize(
    "obj",
    [
        {"components": []},
        {"id": "f", "components": "x"},
        {"id": "f", "components": [{"type": "textfield"}]},
        {"id": "f", "components": [{"type": "textfield", "key": "a.b"}]},
        {"id": "f", "components": [{"type": "textfield", "key": "typename"}]},
        {"id": "f", "components": [{"type": "textfield", "key": "_x"}]},
        {"id": "f", "components": [{"type": "mystery", "key": "x"}]},
        {"id": "f", "components": [{"type": "radio", "key": "x"}]},
        {"id": "f", "components": [{"type": "radio", "key": "x", "values": [{"label": "a", "value": {"v": 1}}]}]},
        {"id": "f", "components": [{"type": "textfield", "key": "x", "validate": {"min": 1}}]},
        {"id": "f", "components": [{"type": "textfield", "key": "x", "validate": {"pattern": "("}}]},
        {"id": "f", "components": [{"type": "textfield", "key": "x"}, {"type": "textarea", "key": "x"}]},
        {"id": "f", "components": [{"type": "textfield", "key": "x", "conditional": {"hide": "=true"}}]},
        {"id": "f", "components": [{"type": "group", "path": "p", "components": []}]},
        {"id": "other", "components": []},
    ],
)
def test_invalid_forms_refused(obj: dict[str, Any]) -> None:
    with pytest.raises(ModelInvalid) as caught:
        load_form(obj, "f.json")
    assert all(p.file == "f.json" for p in caught.value.problems)


def test_form_from_file(tmp_path: Path) -> None:
    path = tmp_path / "opinion.json"
    path.write_text(json.dumps({"id": "opinion", "title": "意见", "components": [TEXT]}), encoding="utf-8")
    loaded = form_from_file(path)
    assert (loaded.id, loaded.title, loaded.keys) == ("opinion", "意见", ("name",))
    path.write_text('{"id": "opinion",\n "components": [}', encoding="utf-8")
    with pytest.raises(ModelInvalid) as caught:
        form_from_file(path)
    assert caught.value.problems[0].line == 2


def test_text_fields_without_a_max_length_of_their_own_get_the_default() -> None:
    f = form({"type": "textfield", "key": "title"}, {"type": "textarea", "key": "note"},
             {"type": "textarea", "key": "long", "validate": {"maxLength": 20_000}})
    assert errors_of(f, {"title": "字" * 501, "note": "字" * 10_001}) == {
        "title": ["长度不能超过 500 个字符"], "note": ["长度不能超过 10000 个字符"]}
    accepted = {"title": "字" * 500, "note": "字" * 10_000, "long": "字" * 20_000}
    assert validate_submission(f, accepted) == accepted


def test_checklists_hold_no_more_choices_than_they_offer() -> None:
    f = form({"type": "checklist", "key": "grounds",
              "values": [{"label": "一", "value": "one"}, {"label": "二", "value": "two"}]},
             {"type": "taglist", "key": "members", "valuesKey": "committee"})
    assert errors_of(f, {"grounds": ["one", "two", "one"]}) == {"grounds": ["最多选择 2 项"]}
    members = [f"m{i}" for i in range(MAX_LIST_ITEMS + 1)]
    assert errors_of(f, {"members": members}, committee=members) == {"members": [f"最多选择 {MAX_LIST_ITEMS} 项"]}


def test_message_payloads_are_bounded_by_their_serialized_size() -> None:
    check_payload_size({"materials": "字" * 100}, 1024)  # 300 bytes of UTF-8 and a little JSON
    with pytest.raises(FormInvalid) as caught:
        check_payload_size({"materials": "字" * 400}, 1024)
    assert caught.value.fields["payload"][0].startswith("消息内容过大")
    with pytest.raises(FormInvalid):
        check_payload_size({"ratio": float("nan")}, 1024)
