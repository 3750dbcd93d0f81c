"""The process library: drafts from files of other tools, validation on diagram elements, deployment, comparison."""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.access.policy import Actor
from engine.bundles.shipped import SHIPPED, collect
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, ModelInvalid
from engine.library import bundle_diff, process_library, versions
from tests.support.bpmn import FIXTURES

SHIPPED_FILES = collect(SHIPPED)[0]


def triage_files() -> dict[str, bytes]:
    """A small bundle made of the shipped triage process and its form."""
    return {"rcjc_triage.bpmn": SHIPPED_FILES["rcjc_triage.bpmn"], "triage.json": SHIPPED_FILES["triage.json"]}


def test_a_draft_takes_what_can_be_shown_and_refuses_the_rest_with_reasons(
    ctx: EngineContext, people: dict[str, Actor]
) -> None:
    files = {
        **triage_files(),
        "notes.txt": b"x",
        "no_diagram.bpmn": (FIXTURES / "mini" / "mini.bpmn").read_bytes(),
        "broken.bpmn": b"<bpmn:definitions",
        "xxe.bpmn": (FIXTURES / "malicious" / "xxe.bpmn").read_bytes(),
        "table.dmn": b"<definitions xmlns='urn:x'/>",
    }
    with pytest.raises(Forbidden):
        process_library.create_draft(ctx, people["intake"], "试改", files)
    draft_id, outcomes = process_library.create_draft(ctx, people["owner"], "试改", files)
    verdicts = {o.name: o.accepted for o in outcomes}
    assert verdicts == {"rcjc_triage.bpmn": True, "triage.json": True, "notes.txt": False, "no_diagram.bpmn": False,
                        "broken.bpmn": False, "xxe.bpmn": False, "table.dmn": False}
    reasons = {o.name: o.reasons for o in outcomes}
    assert "不支持的文件类型" in reasons["notes.txt"][0] and "DOCTYPE" in "".join(reasons["xxe.bpmn"])
    assert "XML 格式错误" in reasons["broken.bpmn"][0] and "DMN" in reasons["table.dmn"][0]
    assert "BPMNDiagram" in reasons["no_diagram.bpmn"][0]
    assert process_library.validate_draft(ctx, draft_id) == []


def test_problems_point_at_their_diagram_elements_and_block_deployment(ctx: EngineContext, people: dict[str, Actor]) -> None:
    files = triage_files()
    files["rcjc_triage.bpmn"] = files["rcjc_triage.bpmn"].replace(b'<spiffworkflow:property name="form" value="triage"/>',
                                                                  b"")
    draft_id, _ = process_library.create_draft(ctx, people["owner"], "缺表单", files)
    problems = process_library.validate_draft(ctx, draft_id)
    assert [(p.file, p.element_id) for p in problems] == [("rcjc_triage.bpmn", "triage")]
    assert "没有指定表单" in problems[0].reason
    with pytest.raises(ModelInvalid):
        process_library.deploy_draft(ctx, people["owner"], draft_id)
    outcomes = process_library.add_files(ctx, people["owner"], draft_id, {"rcjc_triage.bpmn": triage_files()["rcjc_triage.bpmn"]},
                                 expected_revision=1)
    assert outcomes[0].accepted
    with pytest.raises(Conflict):
        process_library.add_files(ctx, people["owner"], draft_id, {"rcjc_triage.bpmn": b"x"}, expected_revision=1)
    with pytest.raises(Forbidden):
        process_library.deploy_draft(ctx, people["supervisor"], draft_id)
    result = process_library.deploy_draft(ctx, people["owner"], draft_id)
    assert result.created and result.versions == {"rcjc_triage": 1}


def test_versions_are_listed_downloaded_and_compared(deployed: EngineContext, people: dict[str, Actor]) -> None:
    [case] = [p for p in versions.library(deployed, people["supervisor"]) if p.process_id == "rcjc_case"]
    files = versions.deployment_files(deployed, people["supervisor"], case.versions[0].deployment_id)
    with pytest.raises(Forbidden):
        versions.library(deployed, people["intake"])
    with pytest.raises(Forbidden):
        versions.deployment_files(deployed, people["intake"], case.versions[0].deployment_id)
    assert case.versions[0].version == 1 and case.versions[0].cases == 0
    archive = zipfile.ZipFile(io.BytesIO(versions.as_zip(files)))
    assert sorted(archive.namelist()) == sorted(collect(SHIPPED)[0])
    changed = dict(files)
    changed["rcjc_triage.bpmn"] = changed["rcjc_triage.bpmn"].replace("程序分流".encode(), "程序分流（修订）".encode(), 1)
    changed["rcjc_acceptance.bpmn"] = changed["rcjc_acceptance.bpmn"].replace(
        b'<spiffworkflow:property name="clock" value="resume"/>', b"")
    del changed["six_looks.dmn"]
    found = {(c.element_id, c.change) for c in bundle_diff.diff(files, changed)}
    assert ("acceptance_review", "changed") in found and ("six_looks.dmn", "removed") in found
    assert all(change in ("changed", "removed") for _, change in found)
