"""GET /api/v1/cases/{id}/audit a page at a time (after_seq and limit): oldest first, no event lost or repeated
between pages, the whole trail by default, each page disclosed exactly as the whole trail is, and only what a page
showed recorded as read."""

from __future__ import annotations

from typing import Any

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.client import ApiUser
from tests.support.driver import ALL_MEMBERS, LOOKS_EXEMPT, CaseRun, apply, to_ruling_meeting
from tests.support.transports import ServiceTransport


def voted(deployed: EngineContext, people: dict[str, Actor]) -> CaseRun:
    """A case through its ruling meeting's votes: a trail with confidential deliberation in it."""
    run = apply(ServiceTransport(deployed, people))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    for member in ALL_MEMBERS:
        run.do(member, "cast_vote", {"vote": "agree", "vote_comment": f"同意（{member}）"}, per_person=True)
    return run


def paged(user: ApiUser, case_id: int, limit: int) -> list[dict[str, Any]]:
    """Every page of the trail, following next_after_seq until it says the trail ends."""
    pages = [user.get(f"/cases/{case_id}/audit", query_string={"limit": limit})]
    while pages[-1]["next_after_seq"] is not None:
        assert len(pages) < 100, "the pages never end"
        pages.append(user.get(f"/cases/{case_id}/audit",
                              query_string={"limit": limit, "after_seq": pages[-1]["next_after_seq"]}))
    return pages


def test_pages_of_the_trail_add_up_to_the_whole(deployed: EngineContext, people: dict[str, Actor],
                                                users: dict[str, ApiUser]) -> None:
    run = voted(deployed, people)
    for name in ("supervisor", "applicant", "investigator", "committee1", "intake"):
        whole = users[name].get(f"/cases/{run.case_id}/audit")
        assert whole["next_after_seq"] is None and whole["total"] == len(whole["items"]) > 10
        pages = paged(users[name], run.case_id, 4)
        assert [len(p["items"]) for p in pages[:-1]] == [4] * (len(pages) - 1) and 0 < len(pages[-1]["items"]) <= 4
        assert {p["total"] for p in pages} == {whole["total"]} and {p["chain_ok"] for p in pages} == {True}
        # The same events, disclosed the same way (hidden voters, scrubbed details), whichever way they are read.
        assert [e for p in pages for e in p["items"]] == whole["items"], name
        seqs = [e["seq"] for e in whole["items"]]
        assert seqs == sorted(set(seqs))


def test_a_page_after_the_last_event_is_empty(deployed: EngineContext, people: dict[str, Actor],
                                              users: dict[str, ApiUser]) -> None:
    run = apply(ServiceTransport(deployed, people))
    whole = users["applicant"].get(f"/cases/{run.case_id}/audit")
    last = whole["items"][-1]["seq"]
    after = users["applicant"].get(f"/cases/{run.case_id}/audit", query_string={"after_seq": last})
    assert after["items"] == [] and after["next_after_seq"] is None and after["total"] == whole["total"]
    one = users["applicant"].get(f"/cases/{run.case_id}/audit", query_string={"limit": 1})
    assert [e["seq"] for e in one["items"]] == [whole["items"][0]["seq"]]
    assert one["next_after_seq"] == (whole["items"][0]["seq"] if whole["total"] > 1 else None)


def test_bad_paging_is_refused_and_other_units_see_nothing(deployed: EngineContext, people: dict[str, Actor],
                                                           users: dict[str, ApiUser]) -> None:
    run = apply(ServiceTransport(deployed, people))
    for query in ({"limit": 0}, {"limit": 1001}, {"after_seq": -1}, {"after_seq": "x"}, {"after_seq": 2**31}):
        refused = users["applicant"].call("GET", f"/cases/{run.case_id}/audit", 400, query_string=query)
        assert refused["error"]["code"]
    assert users["applicant"].get(f"/cases/{run.case_id}/audit", query_string={"limit": 1000})["items"]
    for name in ("other_applicant", "orgdept", "chair"):
        for query in ({}, {"limit": 1}, {"after_seq": 1, "limit": 1000}):
            hidden = users[name].call("GET", f"/cases/{run.case_id}/audit", 404, query_string=query)
            assert "items" not in hidden


def test_only_what_a_page_showed_is_recorded_as_read(deployed: EngineContext, people: dict[str, Actor],
                                                     users: dict[str, ApiUser]) -> None:
    run = voted(deployed, people)
    supervisor, investigator = users["supervisor"], users["investigator"]
    log = f"/cases/{run.case_id}/access-log"
    before = len(supervisor.get(log)["items"])
    # The application opens the trail: nothing confidential in it, so reading it alone records nothing.
    first = investigator.get(f"/cases/{run.case_id}/audit", query_string={"limit": 1})
    assert first["items"][0]["seq"] == 1
    after_first = supervisor.get(log)["items"]
    assert not [e for e in after_first[: len(after_first) - before] if e["username"] == "investigator"]
    investigator.get(f"/cases/{run.case_id}/audit", query_string={"after_seq": 1, "limit": 1000})
    entries = supervisor.get(log)["items"]
    mine = [(e["channel"], e["kinds"]) for e in entries[: len(entries) - before] if e["username"] == "investigator"]
    assert mine == [("audit", ["deliberation"])]
