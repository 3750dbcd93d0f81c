"""While parallel branches run, the case's data is the newest task's with what the other branches changed since
the split; once they have joined, it is the joined data alone."""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.procedure import runtime

BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"><bpmn:incoming>f0</bpmn:incoming>
      <bpmn:outgoing>fa</bpmn:outgoing><bpmn:outgoing>fb</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="fa" sourceRef="split" targetRef="appeal"/>
    <bpmn:sequenceFlow id="fb" sourceRef="split" targetRef="report"/>
    <bpmn:userTask id="appeal"><bpmn:incoming>fa</bpmn:incoming><bpmn:outgoing>fa2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="report"><bpmn:incoming>fb</bpmn:incoming><bpmn:outgoing>fb2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="fb2" sourceRef="report" targetRef="verify"/>
    <bpmn:userTask id="verify"><bpmn:incoming>fb2</bpmn:incoming><bpmn:outgoing>fb3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="fa2" sourceRef="appeal" targetRef="join"/>
    <bpmn:sequenceFlow id="fb3" sourceRef="verify" targetRef="join"/>
    <bpmn:parallelGateway id="join"><bpmn:incoming>fa2</bpmn:incoming><bpmn:incoming>fb3</bpmn:incoming>
      <bpmn:outgoing>f9</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="close"/>
    <bpmn:userTask id="close"><bpmn:incoming>f9</bpmn:incoming><bpmn:outgoing>f10</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f10" sourceRef="close" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f10</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>"""


def started() -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(etree.fromstring(BPMN))
    workflow = BpmnWorkflow(parser.get_spec("p"))
    workflow.task_tree.set_data(outcome="MITIGATE", note="ruled")
    workflow.do_engine_steps()
    return workflow


def complete(workflow: BpmnWorkflow, bpmn_id: str, **data: Any) -> None:
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def test_a_change_in_one_branch_is_not_hidden_by_the_stale_copy_of_another() -> None:
    workflow = started()
    complete(workflow, "appeal", outcome="EXEMPT", appeal=True)
    complete(workflow, "report", report="done", note="reported")
    # The newest task is the rectification branch's, which still holds the ruling as it was at the split.
    data = runtime.case_data(workflow)
    assert (data["outcome"], data["appeal"]) == ("EXEMPT", True)
    # What the newest branch changed itself stays its own.
    assert (data["report"], data["note"]) == ("done", "reported")


def test_copies_left_as_they_were_change_nothing_and_after_the_join_the_joined_data_counts() -> None:
    workflow = started()
    complete(workflow, "report", report="done")
    assert runtime.case_data(workflow)["outcome"] == "MITIGATE"
    complete(workflow, "verify", verified=True)
    complete(workflow, "appeal", outcome="EXEMPT")
    data = runtime.case_data(workflow)  # joined: the branch that came last wins the joined data
    assert (data["outcome"], data["verified"]) == ("EXEMPT", True)
