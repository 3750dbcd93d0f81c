"""The case diagram's data: each process of the case's own version with this case's steps marked, for readers only."""

from __future__ import annotations

from flask import Flask

from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.library.deploy import deploy
from tests.support.context import shipped_files
from tests.support.pages import new_browser, start_case


def test_the_case_diagram_and_its_called_processes_carry_their_own_marks(app: Flask, people: dict[str, Actor]) -> None:
    case_id = start_case(app)
    applicant = new_browser(app, "applicant")
    top = applicant.get(f"/cases/{case_id}/diagram.json")
    assert top.status_code == 200
    found = top.get_json()
    assert found["process_id"] == "rcjc_case" and found["name"] and 'calledElement="rcjc_acceptance"' in found["xml"]
    assert found["marks"]["rcjc-active"] == ["call_acceptance"]
    called = applicant.get(f"/cases/{case_id}/diagram.json?process=rcjc_acceptance").get_json()
    assert called["process_id"] == "rcjc_acceptance" and 'id="acceptance_review"' in called["xml"]
    assert "acceptance_review" in called["marks"]["rcjc-active"] and "supplement" not in called["marks"]["rcjc-active"]
    # Each process shows its own steps: the call under way belongs to the top process, not to the called one.
    assert "call_acceptance" not in called["marks"]["rcjc-active"] + called["marks"]["rcjc-completed"]
    assert "acceptance_review" not in found["marks"]["rcjc-active"] + found["marks"]["rcjc-completed"]
    untouched = applicant.get(f"/cases/{case_id}/diagram.json?process=rcjc_ruling").get_json()
    assert untouched["marks"] == {"rcjc-active": [], "rcjc-completed": []}
    for wrong in ("no_such_process", "x" * 5000, "../rcjc_case"):
        assert applicant.get(f"/cases/{case_id}/diagram.json?process={wrong}").status_code == 404


def test_other_units_and_groups_find_no_case_diagram(app: Flask, people: dict[str, Actor]) -> None:
    case_id = start_case(app)
    assert new_browser(app, "supervisor").get(f"/cases/{case_id}/diagram.json?process=rcjc_acceptance").status_code == 200
    for who in ("other_applicant", "investigator", "committee1"):
        visitor = new_browser(app, who)
        assert visitor.get(f"/cases/{case_id}").status_code == 404, who
        refused = visitor.get(f"/cases/{case_id}/diagram.json?process=rcjc_acceptance")
        assert refused.status_code == 404, who
        assert "acceptance_review" not in refused.get_data(as_text=True)
    assert new_browser(app).get(f"/cases/{case_id}/diagram.json").status_code == 302  # to the sign-in page


def test_a_called_process_is_drawn_as_the_case_version_has_it(app: Flask, deployed: EngineContext,
                                                              people: dict[str, Actor]) -> None:
    old_case = start_case(app)
    files = shipped_files()
    renamed = 'name="受理审查（新版）"'.encode()
    files["rcjc_acceptance.bpmn"] = files["rcjc_acceptance.bpmn"].replace('name="受理审查"'.encode(), renamed)
    deploy(deployed, SYSTEM, files)
    new_case = start_case(app)
    applicant = new_browser(app, "applicant")
    old = applicant.get(f"/cases/{old_case}/diagram.json?process=rcjc_acceptance").get_json()
    new = applicant.get(f"/cases/{new_case}/diagram.json?process=rcjc_acceptance").get_json()
    assert "受理审查（新版）" not in old["xml"] and "受理审查（新版）" in new["xml"]
    assert "acceptance_review" in old["marks"]["rcjc-active"] and "acceptance_review" in new["marks"]["rcjc-active"]
