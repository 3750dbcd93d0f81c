"""A looping case keeps a state the size of its present: earlier rounds are cut, and nothing the engine needs goes."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.bundles.scripting import RestrictedEnvironment, make_script_engine
from engine.bundles.serializer import StateSerializer
from engine.procedure import pruning, runtime
from tests.support.bpmn import HEAD, NS

# Each round: two parallel steps (one with a reminder timer beside it), a called subprocess with a step of its own,
# then a count and the choice to go round again.
LOOP = f"""{HEAD}<bpmn:definitions {NS}>
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="init"><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:script>rounds = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="split"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>again</bpmn:incoming>
      <bpmn:outgoing>fa</bpmn:outgoing><bpmn:outgoing>fb</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:userTask id="a"><bpmn:incoming>fa</bpmn:incoming><bpmn:outgoing>fa2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="remind" attachedToRef="a" cancelActivity="false"><bpmn:outgoing>fr</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P30D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="reminded"><bpmn:incoming>fr</bpmn:incoming></bpmn:endEvent>
    <bpmn:userTask id="b"><bpmn:incoming>fb</bpmn:incoming><bpmn:outgoing>fb2</bpmn:outgoing></bpmn:userTask>
    <bpmn:parallelGateway id="join"><bpmn:incoming>fa2</bpmn:incoming><bpmn:incoming>fb2</bpmn:incoming>
      <bpmn:outgoing>fj</bpmn:outgoing></bpmn:parallelGateway>
    <bpmn:callActivity id="call" calledElement="s"><bpmn:incoming>fj</bpmn:incoming><bpmn:outgoing>fc</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:scriptTask id="count"><bpmn:incoming>fc</bpmn:incoming><bpmn:outgoing>fg</bpmn:outgoing>
      <bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="done"><bpmn:incoming>fg</bpmn:incoming>
      <bpmn:outgoing>again</bpmn:outgoing><bpmn:outgoing>done</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="end"><bpmn:incoming>done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="init"/>
    <bpmn:sequenceFlow id="f1" sourceRef="init" targetRef="split"/>
    <bpmn:sequenceFlow id="fa" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="fb" sourceRef="split" targetRef="b"/>
    <bpmn:sequenceFlow id="fr" sourceRef="remind" targetRef="reminded"/>
    <bpmn:sequenceFlow id="fa2" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="fb2" sourceRef="b" targetRef="join"/>
    <bpmn:sequenceFlow id="fj" sourceRef="join" targetRef="call"/>
    <bpmn:sequenceFlow id="fc" sourceRef="call" targetRef="count"/>
    <bpmn:sequenceFlow id="fg" sourceRef="count" targetRef="gw"/>
    <bpmn:sequenceFlow id="again" sourceRef="gw" targetRef="split">
      <bpmn:conditionExpression>more == "yes"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="gw" targetRef="end"/>
  </bpmn:process>
  <bpmn:process id="s" isExecutable="true">
    <bpmn:startEvent id="s_start"><bpmn:outgoing>s1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="c"><bpmn:incoming>s1</bpmn:incoming><bpmn:outgoing>s2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="s_end"><bpmn:incoming>s2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="c"/>
    <bpmn:sequenceFlow id="s2" sourceRef="c" targetRef="s_end"/>
  </bpmn:process>
</bpmn:definitions>"""
ENV = RestrictedEnvironment({}, time_limit=1.0)


def _parser() -> SpiffBpmnParser:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(LOOP.encode(), "loop.bpmn")
    return parser


PARSER = _parser()
SERIALIZER = StateSerializer({"p": PARSER.get_spec("p"), **PARSER.get_subprocess_specs("p")})


def _start() -> BpmnWorkflow:
    wf = BpmnWorkflow(PARSER.get_spec("p"), PARSER.get_subprocess_specs("p"), script_engine=make_script_engine(ENV))
    wf.do_engine_steps()
    return wf


def _reload(wf: BpmnWorkflow, prune: bool) -> BpmnWorkflow:
    if prune:
        pruning.prune(wf)
    restored = SERIALIZER.loads(SERIALIZER.dumps(wf))
    restored.script_engine = make_script_engine(ENV)
    return restored


def _open(wf: BpmnWorkflow) -> list[str]:
    return sorted(t.task_spec.bpmn_id for t in runtime.open_human_tasks(wf))


def _do(wf: BpmnWorkflow, bpmn_id: str, data: dict[str, Any]) -> None:
    (task,) = [t for t in runtime.open_human_tasks(wf) if t.task_spec.bpmn_id == bpmn_id]
    runtime.complete(wf, task, data)


def _round(wf: BpmnWorkflow, n: int, more: str, prune: bool) -> BpmnWorkflow:
    """One round, each step saved and loaded as the service does; the open tasks seen before each step."""
    assert _open(wf) == ["a", "b"], f"round {n}"
    _do(wf, "b", {"b_note": f"b{n}"})
    wf = _reload(wf, prune)
    assert _open(wf) == ["a"]
    _do(wf, "a", {"a_note": f"a{n}", "more": more})
    wf = _reload(wf, prune)
    assert _open(wf) == ["c"]
    _do(wf, "c", {"c_note": f"c{n}"})
    return _reload(wf, prune)


def _task_count(wf: BpmnWorkflow) -> int:
    return len(wf.tasks) + sum(len(sp.tasks) for sp in wf.subprocesses.values())


def test_a_looping_case_keeps_its_state_small_and_ends_as_it_would_unpruned() -> None:
    pruned, whole = _start(), _start()
    sizes = []
    for n in range(1, 41):
        more = "yes" if n < 40 else "no"
        pruned, whole = _round(pruned, n, more, True), _round(whole, n, more, False)
        sizes.append((_task_count(pruned), len(SERIALIZER.dumps(pruned))))
    assert pruned.completed and whole.completed
    assert pruned.data == whole.data
    assert pruned.data["rounds"] == 40 and pruned.data["c_note"] == "c40" and pruned.data["a_note"] == "a40"
    # The unpruned state grew with every round; the pruned one stayed the size of a round or two.
    assert _task_count(whole) > 10 * _task_count(pruned)
    assert max(count for count, _ in sizes[5:]) <= sizes[2][0]
    assert max(size for _, size in sizes[5:]) <= 1.2 * sizes[2][1]


def test_the_diagram_still_marks_every_element_done_after_pruning() -> None:
    pruned, whole = _start(), _start()
    for n in range(1, 6):
        pruned, whole = _round(pruned, n, "yes", True), _round(whole, n, "yes", False)
    done_pruned, active_pruned = runtime.element_ids(pruned)
    done_whole, active_whole = runtime.element_ids(whole)
    assert set(done_pruned) == set(done_whole) and {"init", "start", "split", "join", "count"} <= set(done_pruned)
    assert sorted(active_pruned) == sorted(active_whole)


def test_only_the_reminder_of_the_round_in_progress_stays_armed() -> None:
    wf = _start()
    wf = _round(wf, 1, "yes", True)
    wf = _round(wf, 2, "yes", True)
    # The reminder timers beside step a of each earlier round were cancelled when a was done: nothing waits on them.
    waiting = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "remind"]
    assert len(waiting) == 1
    # The open step a still has its boundary timer: the round in progress is untouched.
    assert _open(wf) == ["a", "b"]
