"""Server-rendered forms: every shipped form renders accessibly, and posted HTML forms round-trip through the engine."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from engine.bundles.form_definitions import FieldDef, FormDefinition, form_from_file, load_form
from engine.bundles.form_submissions import validate_submission
from engine.errors import FormInvalid
from webapp.ui.decisions import OUTCOME_LABELS
from webapp.ui.formrender import Submission, parse_submission, render_form

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*.json"))
OPTIONS_DATA: dict[str, list[Any]] = {
    "committee_members": ["alice", "bob", "carol"],
    "committee_choices": [{"label": "张立（委员）", "value": "alice"}, {"label": "王芳", "value": "bob"},
                          {"label": "carol", "value": "carol"}],
    "allowed_forms": [{"label": "书面澄清", "value": "written"}, {"label": "当面澄清", "value": "face_to_face"}],
}
# What the forms' rules between fields read from the case: a sample post (first options) departs from neither.
CASE_DATA: dict[str, Any] = {"recommended_outcome": "EXEMPT", "carried_outcome": "EXEMPT", "loss_amount": 12000,
                             "simple_loss_threshold": 50000}
# A value each shipped field with a pattern accepts.
PATTERN_SAMPLES: dict[str, str] = {"cadre_id_number": "11010519491231002X"}


def shipped(name: str) -> FormDefinition:
    return form_from_file(FORMS_DIR / f"{name}.json")


def tree(html: Markup) -> HtmlElement:
    assert isinstance(html, Markup)
    return lxml.html.fragment_fromstring(str(html), create_parent="div")


def only(root: HtmlElement, xpath: str) -> HtmlElement:
    found = root.xpath(xpath)
    assert len(found) == 1, (xpath, len(found))
    return found[0]


def errors_of(definition: FormDefinition, data: dict[str, Any], context: dict[str, Any] | None = None) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as caught:
        validate_submission(definition, data, context)
    return caught.value.fields


def sample_post(definition: FormDefinition) -> MultiDict[str, str]:
    """A valid browser post for any form: the first option, a date, a number in range, text of an allowed length."""
    post: MultiDict[str, str] = MultiDict()
    for fd in definition.fields:
        if fd.readonly:
            continue  # shown from the task's data; a browser's post of it is ignored
        choices = [str(v) for _, v in fd.options] or [
            str(o["value"] if isinstance(o, dict) else o) for o in OPTIONS_DATA.get(fd.values_key or "", [])
        ]
        if fd.type == "checkbox":
            post.add(fd.key, "true")
        elif fd.type in ("radio", "select", "checklist", "taglist"):
            post.add(fd.key, choices[0])
        elif fd.type == "number":
            post.add(fd.key, str(fd.minimum if fd.minimum is not None else 1))
        elif fd.type == "filepicker":
            post.add(fd.key, "7")  # a file attached to the case before, kept in the form by its id
        elif fd.type == "datetime":
            post.add(fd.key, {"date": "2026-03-02", "time": "09:30", "datetime": "2026-03-02T09:30"}[fd.subtype or "date"])
        elif fd.pattern:
            post.add(fd.key, PATTERN_SAMPLES[fd.key])
        else:
            post.add(fd.key, "测" * min(max(fd.min_length or 0, 4), fd.max_length or 4))
    return post


def label_of(root: HtmlElement, fd: FieldDef) -> str:
    if fd.type in ("radio", "checklist"):
        return only(root, f'//fieldset[.//input[@name="{fd.key}"]]/legend').text_content()
    control = only(root, f'//*[@name="{fd.key}"]')
    return only(root, f'//label[@for="{control.get("id")}"]').text_content()


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.stem for p in FORM_FILES])
def test_every_shipped_form_renders_each_field_with_its_label(path: Path) -> None:
    definition = form_from_file(path)
    root = tree(render_form(definition.source, {}, {}, options_data=OPTIONS_DATA))
    assert definition.fields
    for fd in definition.fields:
        assert root.xpath(f'//*[@name="{fd.key}"]'), fd.key
        text = label_of(root, fd)
        assert fd.label in text
        assert ("*" in text) == fd.required
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    assert not root.xpath("//script")


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.stem for p in FORM_FILES])
def test_every_shipped_form_round_trips_a_valid_post(path: Path) -> None:
    definition = form_from_file(path)
    post = sample_post(definition)
    data = parse_submission(definition.source, post, OPTIONS_DATA)
    editable = {fd.key for fd in definition.fields if not fd.readonly}
    assert set(data) == editable
    clean = validate_submission(definition, data, {**OPTIONS_DATA, **CASE_DATA})
    assert set(clean) == editable
    # The rendered form shows back what was posted.
    root = tree(render_form(definition.source, data, {}, options_data=OPTIONS_DATA))
    for fd in definition.fields:
        if fd.readonly:
            continue
        posted = post.get(fd.key)
        if fd.type in ("checkbox", "radio", "checklist"):
            assert only(root, f'//input[@name="{fd.key}" and @value="{posted if fd.type != "checkbox" else "true"}"]').checked
        elif fd.type in ("select", "taglist"):
            assert only(root, f'//select[@name="{fd.key}"]').value in (posted, [posted])
        elif fd.type == "filepicker":
            assert only(root, f'//input[@type="checkbox" and @name="{fd.key}" and @value="{posted}"]').checked
        else:
            assert only(root, f'//*[@name="{fd.key}"]').value.lstrip("\n") == posted


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.stem for p in FORM_FILES])
def test_every_shipped_form_shows_values_and_errors_beside_fields(path: Path) -> None:
    definition = form_from_file(path)
    errors = {fd.key: [f"{fd.label}有误"] for fd in definition.fields}
    root = tree(render_form(definition.source, parse_submission(definition, sample_post(definition), OPTIONS_DATA), errors,
                            options_data=OPTIONS_DATA))
    for fd in definition.fields:
        message = only(root, f'//p[@class="field-error" and text()="{fd.label}有误"]')
        described = root.xpath(f'//*[@aria-describedby and .//p[@id="{message.get("id")}"] or @name="{fd.key}"]')
        assert any(message.get("id") in (e.get("aria-describedby") or "").split() for e in described), fd.key
        assert all(e.get("aria-invalid") == "true" for e in root.xpath(f'//*[@name="{fd.key}"]'))
    assert not root.xpath('//*[@class="form-errors"]')


def application_post(**changes: str | list[str]) -> MultiDict[str, str]:
    post: dict[str, str | list[str]] = {
        "cadre_name": "张三", "cadre_unit": "某县发展和改革局", "cadre_position": "副局长", "matter": "产业园区招商项目",
        "matter_date": "2025-06-01", "facts": "基本事实。\r\n第二段。", "loss_amount": "125000.50",
        "domain": "investment_promotion", "circumstance": "pilot_reform", "evidence_list": "会议纪要",
        "csrf_token": "abc", "action": "complete",
    }
    post.update(changes)
    return MultiDict([(k, x) for k, v in post.items() for x in (v if isinstance(v, list) else [v])])


def test_application_round_trip_accepts_valid_input() -> None:
    definition = shipped("application")
    data = parse_submission(definition.source, application_post())
    assert data["loss_amount"] == 125000.5 and data["facts"] == "基本事实。\n第二段。"
    assert "csrf_token" not in data and "action" not in data
    assert validate_submission(definition, data)["matter_date"] == "2025-06-01"
    assert parse_submission(definition.source, application_post(loss_amount="0"))["loss_amount"] == 0


def test_application_round_trip_rejects_invalid_input_with_field_keys() -> None:
    definition = shipped("application")
    post = application_post(cadre_name="", loss_amount="-3", matter_date="2025-13-01", domain="bogus", circumstance="x" * 3)
    data = parse_submission(definition.source, post)
    assert errors_of(definition, data).keys() == {"cadre_name", "loss_amount", "matter_date", "domain", "circumstance"}
    words = parse_submission(definition, application_post(loss_amount="十万"))
    assert errors_of(definition, words)["loss_amount"] == ["应为数字"]


def test_acceptance_review_round_trip_and_checkboxes() -> None:
    definition = shipped("acceptance_review")
    post = MultiDict(
        [("jurisdiction_ok", "on"), ("acceptance", "accept"), ("acceptance_reason", "材料齐全"), ("supplement_request", "")]
    )
    data = parse_submission(definition.source, post)
    assert data == {"jurisdiction_ok": True, "materials_complete": False, "acceptance": "accept", "acceptance_reason": "材料齐全"}
    assert validate_submission(definition, data)["materials_complete"] is False
    refused = parse_submission(definition.source, MultiDict([("acceptance", "maybe")]))
    assert errors_of(definition, refused).keys() == {"acceptance", "acceptance_reason"}


def test_refused_submission_is_shown_again_exactly_as_typed() -> None:
    definition = shipped("application")
    typed = {
        "cadre_name": "  张 三 ", "loss_amount": "1.50", "domain": "tech_innovation",
        "facts": "\n首行空行\r\n  缩进 <b>粗</b> & 引号\"",
    }
    data = parse_submission(definition.source, application_post(cadre_unit="", **typed))
    with pytest.raises(FormInvalid) as caught:
        validate_submission(definition, data)
    root = tree(render_form(definition.source, data, caught.value.fields))
    assert only(root, '//input[@name="cadre_name"]').value == typed["cadre_name"]
    assert only(root, '//input[@name="loss_amount"]').value == "1.50"
    # Browsers drop one newline right after <textarea> (lxml keeps it), so the renderer adds one for the typed
    # leading newline to survive; HTML parsing turns CRLF into LF, as browsers do before posting CRLF again.
    assert only(root, '//textarea[@name="facts"]').text == "\n" + typed["facts"].replace("\r\n", "\n")
    assert only(root, '//select[@name="domain"]').value == "tech_innovation"
    assert only(root, '//input[@name="cadre_unit"]').get("aria-invalid") == "true"
    assert only(root, '//p[@class="field-error"]').text == "此项为必填项"
    # The posted form itself may be passed too.
    again = tree(render_form(definition.source, application_post(**typed), {}))
    assert only(again, '//input[@name="loss_amount"]').value == "1.50"


def test_user_and_model_text_is_escaped() -> None:
    attack = "<script>alert(1)</script>"
    definition = {
        "id": "x", "type": "default",
        "components": [
            {"type": "text", "text": f"# 标题{attack}\n**粗体{attack}**\n值：{{{{note}}}}"},
            {"type": "textfield", "key": "name", "label": f"姓名{attack}", "description": attack},
            {"type": "textarea", "key": "note", "label": "备注"},
            {"type": "select", "key": "pick", "label": "选", "values": [{"label": attack, "value": f'"{attack}'}]},
            {"type": "image", "source": "javascript:alert(1)", "alt": attack},
        ],
    }
    html = render_form(definition, {"name": f'"{attack}', "note": f"</textarea>{attack}"}, {"name": [attack], "bogus": [attack]})
    root = tree(html)
    assert not root.xpath("//script | //img")
    assert attack in only(root, "//h3").text_content() and attack in only(root, "//strong").text_content()
    assert only(root, '//input[@name="name"]').value == f'"{attack}'
    assert only(root, '//textarea[@name="note"]').text == f"\n</textarea>{attack}"
    assert attack in only(root, '//label[@for="field-name"]').text_content()
    assert only(root, "//option[2]").get("value") == f'"{attack}'
    assert only(root, '//*[@class="form-errors"]//li').text == f"bogus：{attack}"
    assert f"值：</textarea>{attack}" in root.text_content()


def test_display_text_keeps_line_breaks_and_fills_placeholders() -> None:
    definition = shipped("supplement")
    root = tree(render_form(definition.source, {}, {}, options_data={"supplement_request": "身份证明\n会议纪要"}))
    paragraphs = root.xpath('//div[@class="form-text"]/p')
    expected = ["受理机关要求补正以下材料：", "身份证明会议纪要", "逾期未补正的，申请视为撤回。"]
    assert [p.text_content() for p in paragraphs] == expected
    assert len(paragraphs[1].xpath("br")) == 1


def test_outcome_codes_in_display_text_read_as_words() -> None:
    definition = shipped("ruling_vote")
    root = tree(render_form(definition.source, {}, {}, options_data={"motion": "EXEMPT", "recommended_outcome": "MITIGATE"}))
    text = " ".join(p.text_content() for p in root.xpath('//div[@class="form-text"]'))
    assert "EXEMPT" not in text and "MITIGATE" not in text
    assert str(OUTCOME_LABELS["EXEMPT"]) in text and str(OUTCOME_LABELS["MITIGATE"]) in text


def test_checklist_takes_several_values() -> None:
    definition = shipped("investigation")
    post = sample_post(definition)
    post.setlist("methods", ["document_review", "interviews"])
    post.setlist("exclusions", [])
    data = parse_submission(definition.source, post)
    assert data["methods"] == ["document_review", "interviews"] and data["exclusions"] == []
    assert validate_submission(definition, data)["methods"] == ["document_review", "interviews"]
    root = tree(render_form(definition.source, {"methods": ["site_visit", "interviews"]}, {}))
    assert [i.get("value") for i in root.xpath('//input[@name="methods"]') if i.checked] == ["site_visit", "interviews"]
    post.setlist("methods", [])
    assert errors_of(definition, parse_submission(definition, post)).keys() == {"methods"}


def test_values_key_options_come_from_task_data() -> None:
    definition = shipped("ruling_meeting")
    context = {"committee_choices": [{"label": "张立（委员）", "value": "alice"}, {"label": "王芳", "value": "bob"}],
               "outcome": "ignored", "recommended_outcome": "EXEMPT"}
    root = tree(render_form(definition.source, {"attendees": ["bob"]}, {}, options_data=context))
    boxes = root.xpath('//input[@name="attendees"]')
    assert [(b.get("value"), b.checked) for b in boxes] == [("alice", False), ("bob", True)]
    assert [only(root, f'//label[@for="{b.get("id")}"]').text for b in boxes] == ["张立（委员）", "王芳"]
    post = MultiDict([("meeting_date", "2026-03-02"), ("attendees", "alice"), ("attendees", "bob"), ("motion", "EXEMPT")])
    assert validate_submission(definition, parse_submission(definition, post, context), context)["attendees"] == ["alice", "bob"]
    post.add("attendees", "mallory")
    assert errors_of(definition, parse_submission(definition, post, context), context).keys() == {"attendees"}
    empty = tree(render_form(definition.source, {}, {}, options_data={}))
    assert only(empty, '//p[@class="field-empty"]').text == "无可选项"


def test_typed_options_and_numbers_are_converted() -> None:
    definition = load_form({"id": "t", "components": [
        {"type": "select", "key": "urgent", "values": [{"label": "是", "value": True}, {"label": "否", "value": False}]},
        {"type": "radio", "key": "level", "values": [{"label": "一", "value": 1}, {"label": "二", "value": 2}]},
        {"type": "number", "key": "count", "validate": {"min": 1, "max": 10}},
        {"type": "number", "key": "ratio"},
    ]})
    post = MultiDict([("urgent", "false"), ("level", "2"), ("count", "7"), ("ratio", "0.25")])
    data = parse_submission(definition, post)
    assert data == {"urgent": False, "level": 2, "count": 7, "ratio": 0.25}
    assert validate_submission(definition, data) == data
    root = tree(render_form(definition, {"urgent": False, "level": 2}, {}))
    assert only(root, '//select[@name="urgent"]').value == "false"
    assert only(root, '//input[@name="level" and @value="2"]').checked
    count = only(root, '//input[@name="count"]')
    assert (count.get("type"), count.get("min"), count.get("max"), count.get("step")) == ("number", "1", "10", "any")
    for raw in ("abc", "１２", "1e999", "9" * 5000, "1_000"):
        assert parse_submission(definition, MultiDict([("count", raw)]))["count"] == raw
    out_of_range = parse_submission(definition, MultiDict([("count", "11"), ("level", "3")]))
    assert errors_of(definition, out_of_range).keys() == {"count", "level"}


def test_validation_attributes_mirror_the_definition() -> None:
    definition = load_form({"id": "v", "components": [
        {"type": "textfield", "key": "code", "label": "编号",
         "validate": {"required": True, "minLength": 2, "maxLength": 8, "pattern": "^[A-Z]+$"}},
        {"type": "datetime", "key": "day", "label": "日期", "subtype": "date"},
        {"type": "datetime", "key": "at", "dateLabel": "时间", "subtype": "datetime"},
    ]})
    root = tree(render_form(definition, {"day": "2026-03-02"}, {}))
    code = only(root, '//input[@name="code"]')
    assert {k: code.get(k) for k in ("type", "minlength", "maxlength", "pattern")} == {
        "type": "text", "minlength": "2", "maxlength": "8", "pattern": ".*(?:^[A-Z]+$).*"}
    assert code.get("required") is not None
    assert only(root, '//input[@name="day"]').get("type") == "date" and only(root, '//input[@name="day"]').value == "2026-03-02"
    assert only(root, '//input[@name="at"]').get("type") == "datetime-local"
    assert "时间" in only(root, '//label[@for="field-at"]').text_content()


def test_readonly_renders_disabled_inputs_without_required_markers() -> None:
    definition = shipped("investigation")
    data = validate_submission(definition, parse_submission(definition, sample_post(definition)))
    root = tree(render_form(definition.source, data, {}, readonly=True, id_prefix="step-3"))
    controls = root.xpath("//input | //select | //textarea")
    assert controls and all(c.get("disabled") is not None and c.get("required") is None for c in controls)
    assert not root.xpath('//*[@class="required"]')
    assert all(i.startswith("step-3-") for i in root.xpath("//@id"))
    assert only(root, '//input[@name="methods" and @value="document_review"]').checked


def test_readonly_field_is_shown_but_not_parsed() -> None:
    definition = load_form({"id": "r", "components": [
        {"type": "textfield", "key": "case_no", "label": "案号", "readonly": True, "validate": {"required": True}},
        {"type": "radio", "key": "ok", "label": "结论", "disabled": True, "values": [{"label": "是", "value": "yes"}]},
        {"type": "textarea", "key": "note", "label": "备注"},
    ]})
    root = tree(render_form(definition, {"case_no": "2026-001", "ok": "yes"}, {}))
    case_no = only(root, '//input[@name="case_no"]')
    assert case_no.value == "2026-001" and case_no.get("readonly") is not None and case_no.get("required") is None
    assert only(root, '//input[@name="ok"]').get("disabled") is not None
    posted = MultiDict([("case_no", "forged"), ("ok", "yes"), ("note", "")])
    assert parse_submission(definition, posted) == {}
    # Shown again after a refusal, read-only fields keep the task's values, not whatever was posted.
    task_data = {"case_no": "2026-001", "ok": "yes"}
    again = tree(render_form(definition, parse_submission(definition, posted), {}, options_data=task_data))
    assert only(again, '//input[@name="case_no"]').value == "2026-001"
    assert only(again, '//input[@name="ok"]').checked


def test_checkbox_answers_other_than_yes_or_no_are_refused_by_the_engine() -> None:
    definition = shipped("acceptance_review")
    data = parse_submission(definition, MultiDict([("jurisdiction_ok", "maybe"), ("materials_complete", "false")]))
    assert data["jurisdiction_ok"] == "maybe" and data["materials_complete"] is False
    assert "jurisdiction_ok" in errors_of(definition, data)


def test_defaults_apply_to_task_data_but_not_to_a_post() -> None:
    source = copy.deepcopy(json.loads((FORMS_DIR / "acceptance_review.json").read_text(encoding="utf-8")))
    source["components"][1]["defaultValue"] = True
    assert only(tree(render_form(source, {}, {})), '//input[@name="jurisdiction_ok"]').checked
    # An unticked box posts nothing; shown again, it must stay unticked.
    refused = parse_submission(source, MultiDict([("acceptance", "accept")]))
    assert isinstance(refused, Submission) and refused["jurisdiction_ok"] is False
    assert not only(tree(render_form(source, refused, {})), '//input[@name="jurisdiction_ok"]').checked


def test_form_level_errors_are_listed_at_the_top() -> None:
    definition = shipped("triage")
    errors = {"_schema": ["表单数据应为对象"], "extra": ["未知字段"], "procedure": ["此项为必填项"]}
    root = tree(render_form(definition.source, {}, errors))
    box = only(root, '//div[@class="form-errors"]')
    assert box.get("role") == "alert"
    assert [li.text for li in box.xpath(".//li")] == ["表单数据应为对象", "extra：未知字段"]
    assert root.xpath("//div[@class='form-body']/*[1]")[0] is box


def test_groups_render_as_fieldsets() -> None:
    definition = load_form({"id": "g", "components": [
        {"type": "group", "label": "当事人", "components": [{"type": "textfield", "key": "name", "label": "姓名"}]},
        {"type": "separator"}, {"type": "spacer"}, {"type": "image", "source": "/static/seal.png", "alt": "印章"},
    ]})
    root = tree(render_form(definition, {"name": "李四"}, {}))
    assert only(root, '//fieldset[@class="form-group"]/legend').text == "当事人"
    assert only(root, '//fieldset[@class="form-group"]//input[@name="name"]').value == "李四"
    assert only(root, "//img").get("alt") == "印章" and root.xpath("//hr")


def test_text_fields_render_the_default_max_length_when_they_have_none() -> None:
    definition = load_form({"id": "d", "components": [
        {"type": "textfield", "key": "title", "label": "标题"},
        {"type": "textarea", "key": "note", "label": "说明"},
        {"type": "textarea", "key": "long", "label": "全文", "validate": {"maxLength": 20_000}},
    ]})
    root = tree(render_form(definition, {}, {}))
    assert only(root, '//input[@name="title"]').get("maxlength") == "500"
    assert only(root, '//textarea[@name="note"]').get("maxlength") == "10000"
    assert only(root, '//textarea[@name="long"]').get("maxlength") == "20000"
