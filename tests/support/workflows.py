"""SpiffWorkflow workflows run by the restricted script environment, without a database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bundles.scripting import RestrictedEnvironment, make_script_engine
from tests.support.bpmn import script_process

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def start_workflow(
    bpmn: str,
    env: RestrictedEnvironment,
    data: dict[str, Any] | None = None,
    dmn: str | None = None,
) -> BpmnWorkflow:
    """A workflow of process `p` of `bpmn` (and decisions of `dmn`) on `env`, its data set, not yet stepped."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode(), "test.bpmn")
    if dmn is not None:
        parser.add_dmn_str(dmn.encode(), "test.dmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine(env))
    wf.task_tree.set_data(**(data or {}))
    return wf


def round_trip(wf: BpmnWorkflow, env: RestrictedEnvironment) -> BpmnWorkflow:
    """The workflow serialized and loaded again, on `env`."""
    # The script engine is not serialized: it must be re-attached after every load.
    restored = SERIALIZER.deserialize_json(SERIALIZER.serialize_json(wf))
    restored.script_engine = make_script_engine(env)
    return restored


def end_data(wf: BpmnWorkflow) -> dict[str, Any]:
    """The data of a completed workflow."""
    assert wf.completed
    return dict(wf.data)


def run_script(script: str, data: dict[str, Any] | None = None, **functions: Callable[..., Any]) -> BpmnWorkflow:
    """Run a one-script process on `data`, with these engine functions and a half-second time limit."""
    env = RestrictedEnvironment(functions, time_limit=0.5)
    wf = start_workflow(script_process(script), env, data)
    wf.do_engine_steps()
    return wf


def script_task(wf: BpmnWorkflow) -> Any:
    """The script task of a one-script process."""
    return wf.get_next_task(spec_name="script")
