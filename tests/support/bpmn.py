"""The BPMN that tests run: the small processes under tests/fixtures, and one-element processes built around a script,
a gateway condition, a timer expression or a decision table."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def mini_files(script: str = "doubled = 2 * len(title)") -> dict[str, bytes]:
    """The small test process with the given script in its script task."""
    bpmn = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8").replace("SCRIPT", script)
    return {
        "mini.bpmn": bpmn.encode("utf-8"),
        "mini_start.json": (FIXTURES / "mini" / "mini_start.json").read_bytes(),
        "mini_review.json": (FIXTURES / "mini" / "mini_review.json").read_bytes(),
    }


def timer_files() -> dict[str, bytes]:
    """The test process whose timer fires two seconds after the start, then divides 100 by `divisor`."""
    return {p.name: p.read_bytes() for p in sorted((FIXTURES / "timer").iterdir())}


HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t"'
)
def script_process(script: str) -> str:
    """A process whose one script task runs `script`."""
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:scriptTask id="script" name="脚本">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{escape(script)}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def gateway_process(condition: str) -> str:
    """A process whose exclusive gateway takes flow `yes` (to end_yes) when `condition` holds, else `no`."""
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="no">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>yes</bpmn:outgoing><bpmn:outgoing>no</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="yes" sourceRef="gw" targetRef="end_yes">
      <bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="no" sourceRef="gw" targetRef="end_no"/>
    <bpmn:endEvent id="end_yes"><bpmn:incoming>yes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_no"><bpmn:incoming>no</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def timer_process(expression: str) -> str:
    """A process that waits at a timer until the date `expression` evaluates to."""
    return f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="td"><bpmn:timeDate>{escape(expression)}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def dmn_process() -> tuple[str, str]:
    """A process whose business rule task calls decision `route`, and that decision table (BPMN, DMN)."""
    bpmn = f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rule"/>
    <bpmn:businessRuleTask id="rule" name="分流">
      <bpmn:extensionElements><spiffworkflow:calledDecisionId>route</spiffworkflow:calledDecisionId></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rule" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""
    dmn = f"""{HEAD}<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">
  <decision id="route" name="分流">
    <decisionTable id="dt" hitPolicy="UNIQUE">
      <input id="i1" label="类别"><inputExpression id="ie1" typeRef="string"><text>kind</text></inputExpression></input>
      <output id="o1" name="lane" typeRef="string"/>
      <rule id="r1"><inputEntry id="e1"><text>? in ("a", "b")</text></inputEntry>
        <outputEntry id="oe1"><text>label("first")</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>-</text></inputEntry>
        <outputEntry id="oe2"><text>"other"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""
    return bpmn, dmn
