"""Variant 1: raw SpiffWorkflow, spec parsed once, state round-tripped through JSON around every request."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from time import perf_counter

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from .case import BPMN_FILE, ENTRY, PROCESS_ID, START_DATA, STEP_DATA, STEPS
from .timing import CaseTiming, CaseTrace


def deadline(name: str) -> str:
    """Stand-in for rcjc's `deadline(name)`: an ISO datetime 14 calendar days from now."""
    return (datetime.now(UTC) + timedelta(days=14)).isoformat()


class RawVariant:
    """Plain SpiffWorkflow with the default script engine and the default (spec-embedding) serializer."""

    label = "raw SpiffWorkflow"

    def __init__(self) -> None:
        started = perf_counter()
        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_file(str(BPMN_FILE))
        self.spec = parser.get_spec(PROCESS_ID)
        self.subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)
        self.setup = {"parse BPMN": perf_counter() - started}
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.engine = PythonScriptEngine(environment=TaskDataEnvironment({"deadline": deadline}))

    def start(self) -> str:
        """Create the workflow, run it to the first user task and serialize it."""
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.engine)
        workflow.task_tree.set_data(**START_DATA, entry=ENTRY)
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def step(self, state: str) -> tuple[str, BpmnWorkflow, str]:
        """Restore the workflow, complete its one ready user task with that task's data, serialize again."""
        workflow = self.serializer.deserialize_json(state)
        # The serializer does not store the script engine; without this `deadline` would be unknown.
        workflow.script_engine = self.engine
        (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
        bpmn_id = task.task_spec.bpmn_id
        task.set_data(**STEP_DATA[bpmn_id])
        task.run()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow), workflow, bpmn_id

    def run_case(self) -> CaseTiming:
        """Run one whole case, timing the start and every step."""
        times: list[float] = []
        case_start = perf_counter()
        state = self.start()
        times.append(perf_counter() - case_start)
        workflow = None
        for _ in STEPS:
            began = perf_counter()
            state, workflow, _bpmn_id = self.step(state)
            times.append(perf_counter() - began)
        total = perf_counter() - case_start
        if workflow is None or not workflow.completed:
            raise RuntimeError("raw case did not complete")
        return CaseTiming(total, tuple(times))

    def trace(self) -> CaseTrace:
        """Run one case untimed, recording the path and the JSON size after each request."""
        state = self.start()
        sizes = [len(state.encode("utf-8"))]
        path: list[str] = []
        timers: list[str] = []
        workflow = None
        for _ in STEPS:
            state, workflow, bpmn_id = self.step(state)
            path.append(bpmn_id)
            sizes.append(len(state.encode("utf-8")))
            timers += [f"{e.value} (after {bpmn_id})" for e in workflow.waiting_events() if e.event_type.startswith("Time")]
        stored = json.loads(state)
        spec_bytes = len(json.dumps(stored["spec"])) + len(json.dumps(stored["subprocess_specs"]))
        data = workflow.data if workflow is not None else {}
        notes = (f"boundary timer armed, due {', '.join(timers) or 'NEVER'}",)
        completed = bool(workflow and workflow.completed)
        return CaseTrace(tuple(path), tuple(sizes), spec_bytes, completed, data.get("outcome"), notes)

    def close(self) -> None:
        """Nothing to release."""
