"""File picker fields: checked like other fields on deploy, their values lists of attachment ids, one file unless the
model says `multiple`, and rendered as the files picked plus a file input."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest

from engine.bundles.form_definitions import load_form
from engine.bundles.form_submissions import validate_submission
from engine.errors import FormInvalid, ModelInvalid
from webapp.ui.formrender import render_form


def form(**picker: Any) -> dict[str, Any]:
    return {"id": "evidence", "components": [{"key": "files", "type": "filepicker", "label": "证据文件", **picker}]}


def test_a_picker_takes_ids_of_files_and_one_file_unless_multiple() -> None:
    single, several = load_form(form(validate={"required": True})), load_form(form(multiple=True))
    assert validate_submission(single, {"files": [3]}) == {"files": [3]}
    assert validate_submission(several, {"files": [3, 4]}) == {"files": [3, 4]}
    for bad in ([3, 4], ["3"], [0], [True], "3", [{"id": 3}]):
        with pytest.raises(FormInvalid) as refused:
            validate_submission(single, {"files": bad})
        assert set(refused.value.fields) == {"files"}, bad
    with pytest.raises(FormInvalid) as refused:
        validate_submission(single, {"files": []})
    assert set(refused.value.fields) == {"files"}  # required: at least one file


def test_a_picker_whose_multiple_is_an_expression_is_refused_on_deploy() -> None:
    with pytest.raises(ModelInvalid) as refused:
        load_form(form(multiple="=count > 1"))
    assert "multiple" in refused.value.problems[0].reason


def test_a_picker_renders_the_files_picked_by_name_and_an_input_for_more() -> None:
    root = lxml.html.fromstring(str(render_form(form(multiple=True, accept=".pdf,.ofd"), {"files": [7]}, {},
                                                file_names={7: "纪要.pdf"})))
    [box] = root.xpath('//input[@type="checkbox" and @name="files"]')
    assert box.get("value") == "7" and box.checked and "纪要.pdf" in root.text_content()
    [chooser] = root.xpath('//input[@type="file" and @name="files"]')
    assert chooser.get("multiple") is not None and chooser.get("accept") == ".pdf,.ofd"
    shown = lxml.html.fromstring(str(render_form(form(), {"files": [7]}, {}, readonly=True, file_names={7: "纪要.pdf"})))
    assert not shown.xpath("//input") and "纪要.pdf" in shown.text_content()
