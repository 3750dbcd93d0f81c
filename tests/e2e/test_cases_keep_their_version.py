"""Cases started before rulings were bound to the vote finish on the procedure they started on; new cases follow
the new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.access.policy import Actor
from engine.bundles.shipped import SHIPPED, collect
from engine.context import EngineContext
from engine.errors import FormInvalid
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.transports import ServiceTransport

# The ruling process and its forms as shipped before the chair had to issue what the vote carried.
BEFORE = Path(__file__).resolve().parents[1] / "fixtures" / "before_binding_rulings"


def procedure_before() -> dict[str, bytes]:
    files = collect(SHIPPED)[0]
    files.update({path.name: path.read_bytes() for path in BEFORE.iterdir()})
    return files


def test_a_case_at_its_ruling_meeting_finishes_on_the_old_ruling_steps(ctx: EngineContext,
                                                                       people: dict[str, Actor]) -> None:
    via = ServiceTransport(ctx, people)
    assert via.deploy(procedure_before())[1]["rcjc_ruling"] == 1
    old = apply(via)
    to_ruling_meeting(old, LOOKS_EXEMPT, "EXEMPT")
    created, versions = via.deploy(collect(SHIPPED)[0])
    assert created and versions["rcjc_ruling"] == 2

    # The old case convenes, votes and issues as its version asked: no motion, no choice to send back.
    old.do("chair", "convene_meeting", {"meeting_date": "2026-04-20", "attendees": ALL_MEMBERS})
    old.vote({m: "agree" for m in ALL_MEMBERS})
    old.do("chair", "issue_ruling", {"ruling_facts": "经调查核实……", "ruling_basis": "依据实施办法", "outcome": "EXEMPT",
                                     "minutes": "会议纪要", "rectification_required": False})
    assert old.case().outcome == "EXEMPT" and "issue_ruling" not in old.open_ids()
    assert old.version() == 1

    # A new case runs on the new version, which asks for the motion.
    new = apply(via, matter="另一事项")
    to_ruling_meeting(new, LOOKS_EXEMPT, "EXEMPT")
    with pytest.raises(FormInvalid) as caught:
        new.do("chair", "convene_meeting", {"meeting_date": "2026-04-20", "attendees": ALL_MEMBERS})
    assert "motion" in caught.value.fields
    new.convene(ALL_MEMBERS)
    assert new.data()["motion"] == "EXEMPT" and new.version() == 2
