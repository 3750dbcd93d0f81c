from __future__ import annotations

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bundles.xmlsafe import parse_xml
from engine.errors import ModelInvalid

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <!-- comments are kept -->
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e"/>
    <bpmn:endEvent id="e" name="结束"><bpmn:incoming>f</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
""".encode()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<d>&secret;</d>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>
"""


def problem_of(content: bytes, **kwargs: int) -> tuple[str, int | None, str]:
    with pytest.raises(ModelInvalid) as caught:
        parse_xml(content, "upload.bpmn", **kwargs)
    (problem,) = caught.value.problems
    return problem.file, problem.line, problem.reason


def test_external_entity_refused_and_never_read() -> None:
    file, line, reason = problem_of(XXE)
    assert (file, line, reason) == ("upload.bpmn", 2, "不允许 DOCTYPE 或实体声明")
    assert "root:" not in reason


def test_external_entity_in_utf16_refused() -> None:
    content = XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    file, _, reason = problem_of(content)
    assert reason == "不允许 DOCTYPE 或实体声明"


def test_billion_laughs_refused() -> None:
    assert problem_of(BILLION_LAUGHS)[2] == "不允许 DOCTYPE 或实体声明"


def test_bare_doctype_refused() -> None:
    assert problem_of(b'<?xml version="1.0"?>\n<!DOCTYPE d>\n<d/>')[1:] == (2, "不允许 DOCTYPE 或实体声明")


def test_malformed_names_the_line() -> None:
    content = b"<a>\n  <b>\n  </c>\n</a>\n"
    file, line, reason = problem_of(content)
    assert line == 3
    assert reason.startswith("XML 格式错误：")
    assert "mismatch" in reason


def test_size_cap() -> None:
    assert "文件过大" in problem_of(BPMN, max_bytes=100)[2]


def test_text_instead_of_bytes_refused() -> None:
    with pytest.raises(ModelInvalid):
        parse_xml(BPMN.decode(), "upload.bpmn")  # type: ignore[arg-type]


def test_normal_bpmn_parses_and_reaches_spiff() -> None:
    tree = parse_xml(BPMN, "upload.bpmn")
    assert tree.getroot().tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(tree, "upload.bpmn")
    assert parser.get_spec("p").task_specs["e"].bpmn_name == "结束"
