"""The shipped processes read cleanly: in the library's viewer no label overlaps another label or a shape, lanes
show the group's name; in the modeler the palette covers no element, and lane names are saved as the group keys
the engine routes by. No console errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from playwright.sync_api import Page, expect

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.groups import GROUP_LABELS
from engine.library import process_library, versions
from tests.support.browser_ui import sign_in, watch_console
from tests.support.context import shipped_files

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# Shapes that hold others: a label lies inside them by design.
CONTAINERS = {"participant", "lane", "subProcess", "group"}
# Where the viewer draws each element and each external label, in page pixels.
DRAWN = """holder => Array.from(holder.querySelectorAll('.djs-element.djs-shape[data-element-id]')).map(el => {
  const id = el.dataset.elementId;
  const label = id.endsWith('_label');
  const part = label ? el.querySelector('.djs-visual text') : el.querySelector('.djs-visual > *');
  const r = part ? part.getBoundingClientRect() : null;
  return {id, label, box: r && r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null};
})"""


def containers(xml: bytes) -> set[str]:
    """Ids of the elements that hold others."""
    root = ET.fromstring(xml)
    return {el.get("id", "") for el in root.iter() if el.tag.removeprefix(BPMN) in CONTAINERS}


def attached(xml: bytes) -> set[frozenset[str]]:
    """Boundary events with the activity they sit on: drawn across its edge by design."""
    root = ET.fromstring(xml)
    return {frozenset((el.get("id", ""), el.get("attachedToRef", ""))) for el in root.iter(f"{BPMN}boundaryEvent")}


def overlaps(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    """Whether two boxes share more than a hairline."""
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def clashes(drawn: list[dict[str, Any]], holders: set[str], pairs: set[frozenset[str]]) -> list[str]:
    """Each label that overlaps another label or a shape other than its own element, and shapes drawn on each
    other (but for a boundary event on its activity)."""
    labels = [d for d in drawn if d["label"] and d["box"]]
    shapes = [d for d in drawn if not d["label"] and d["box"] and d["id"] not in holders]
    found = [f"{shape['id']} × {other['id']}" for i, shape in enumerate(shapes) for other in shapes[i + 1:]
             if frozenset((shape["id"], other["id"])) not in pairs and overlaps(shape["box"], other["box"])]
    for i, label in enumerate(labels):
        owner = label["id"].removesuffix("_label")
        found += [f"{owner} × {other['id'].removesuffix('_label')}" for other in labels[i + 1:]
                  if overlaps(label["box"], other["box"])]
        found += [f"{owner} × {shape['id']}" for shape in shapes if shape["id"] != owner and overlaps(label["box"], shape["box"])]
    return found


def test_no_label_of_a_shipped_process_overlaps_anything(deployed: EngineContext, people: dict[str, Actor],
                                                         page: Page) -> None:
    errors = watch_console(page)
    files = {name: body for name, body in shipped_files().items() if name.endswith(".bpmn")}
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "版式检查", from_deployment=newest)
    sign_in(page, "owner")
    found = {}
    for name, body in sorted(files.items()):
        page.goto(f"/library/drafts/{draft_id}?file={name}")
        expect(page.locator('.diagram:not([data-rendered="true"])'), name).to_have_count(0)
        holder = page.locator(".diagram").last  # the draft's (beside it, the same file as deployed)
        drawn = holder.evaluate(DRAWN)
        assert sum(1 for d in drawn if d["label"]) > 2, name
        found[name] = clashes(drawn, containers(body), attached(body))
        lanes = holder.locator('.djs-element[data-element-id^="Lane_"] .djs-visual text').all_text_contents()
        assert lanes and set(lanes) <= set(GROUP_LABELS.values()), (name, lanes)
    overlapping = {name: hits for name, hits in found.items() if hits}
    assert overlapping == {}, "\n".join(f"{name}: {'; '.join(hits)}" for name, hits in overlapping.items())
    assert len(found) == len(files) >= 13
    assert errors == []


def test_the_modeler_shows_group_names_and_keeps_its_palette_off_the_diagram(
        deployed: EngineContext, people: dict[str, Actor], page: Page) -> None:
    errors = watch_console(page)
    newest = versions.library(deployed, people["owner"])[0].versions[0].deployment_id
    draft_id, _ = process_library.create_draft(deployed, people["owner"], "泳道名称", from_deployment=newest)
    sign_in(page, "owner")
    for name in ("rcjc_case.bpmn", "rcjc_acceptance.bpmn", "rcjc_prior_filing.bpmn"):
        page.goto(f"/library/drafts/{draft_id}/model/{name}")
        expect(page.locator('#modeler[data-rendered="true"]')).to_have_count(1)
        palette = page.locator("#modeler .djs-palette").bounding_box()
        assert palette is not None
        elements = page.locator("#modeler .djs-element.djs-shape[data-element-id]").evaluate_all(
            "els => els.filter(e => !/^(Lane_|Participant_)/.test(e.dataset.elementId))"
            ".map(e => { const r = e.getBoundingClientRect(); return [e.dataset.elementId, r.left, r.top, r.right, r.bottom]; })")
        box = [palette["x"], palette["y"], palette["x"] + palette["width"], palette["y"] + palette["height"]]
        covered = [e[0] for e in elements if overlaps(box, e[1:])]
        assert covered == [], name
        lanes = page.locator('#modeler .djs-element[data-element-id^="Lane_"] .djs-visual text').all_text_contents()
        assert lanes and set(lanes) <= set(GROUP_LABELS.values()), (name, lanes)
    page.locator("#save").click()
    expect(page.locator("#save-status")).to_have_text("已保存。")
    saved = page.request.get(f"/library/drafts/{draft_id}/files/rcjc_prior_filing.bpmn").text()
    assert 'name="applicant_org"' in saved and GROUP_LABELS["applicant_org"] not in saved
    assert errors == []
