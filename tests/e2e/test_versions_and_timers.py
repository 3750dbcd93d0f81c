"""Cases stay on their version; the appeal window lapses by timer; audit holds across a full case."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from engine.bundles.shipped import SHIPPED, collect
from engine.errors import FormInvalid
from engine.persistence import audit
from engine.procedure.timers import fire_due_timers
from tests.support.driver import ALL_MEMBERS, LOOKS_MITIGATE, CaseRun, apply, to_ruling_meeting
from tests.support.transports import Transport


def version_two() -> dict[str, bytes]:
    """The shipped procedure with a new required field on the acceptance form."""
    files = collect(SHIPPED)[0]
    form = json.loads(files["acceptance_review.json"])
    form["components"].append({"id": "Field_legal_basis", "key": "legal_basis", "type": "textfield",
                               "label": "管辖依据", "validate": {"required": True}})
    files["acceptance_review.json"] = json.dumps(form, ensure_ascii=False).encode("utf-8")
    return files


def test_a_case_started_on_version_one_finishes_on_version_one(
    via: Transport
) -> None:
    old = apply(via)
    created, versions = via.deploy(version_two())
    assert created and versions["rcjc_case"] == 2
    new = apply(via, matter="另一事项")
    assert new.version() == 2
    with pytest.raises(FormInvalid) as caught:
        new.accept()
    assert "legal_basis" in caught.value.fields
    # The old case keeps the form it started with: no new field is asked of it.
    old.accept()
    old.triage("ordinary")
    close_from_investigation(old)
    assert old.case().status == "completed"
    assert old.version() == 1
    assert via.deploy(version_two())[0] is False  # same content, same version


def close_from_investigation(run: CaseRun) -> None:
    """From an open investigation to a closed MITIGATE case without appeal or rectification."""
    run.investigate(LOOKS_MITIGATE)
    run.propose("MITIGATE")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("MITIGATE", rectification=False)
    run.feedback()
    run.no_appeal()


def test_the_appeal_window_lapses_and_the_case_goes_on(
    via: Transport, clock: object
) -> None:
    run = apply(via)
    to_ruling_meeting(run, LOOKS_MITIGATE, "MITIGATE")
    run.convene(ALL_MEMBERS)
    run.vote({m: "agree" for m in ALL_MEMBERS})
    run.issue_ruling("MITIGATE", rectification=True)
    run.feedback()
    assert run.open_ids() == ["decide_appeal", "report_rectification"]
    clock.advance(timedelta(days=20))  # type: ignore[attr-defined]
    assert fire_due_timers(via.ctx).fired == []
    clock.advance(timedelta(days=15))  # type: ignore[attr-defined]  # past one calendar month
    assert fire_due_timers(via.ctx).fired == [run.case_id]
    assert run.open_ids() == ["report_rectification"]
    assert run.data()["appeal"] is False
    with via.ctx.sessions() as s:
        assert all(report.ok for report in audit.verify(s, run.case_id))
