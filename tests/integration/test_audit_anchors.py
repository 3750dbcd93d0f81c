"""The keyed audit trail against tampering through the database: edits, re-hashes, removed tails, cases and anchors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Connection, delete, select, update

from engine.access import users
from engine.access.policy import Actor
from engine.clock import SystemClock
from engine.context import EngineContext
from engine.persistence import audit
from engine.persistence.audit_key import AuditKey
from engine.persistence.db import Base
from engine.persistence.models import AuditAnchor, AuditEvent, Case, TaskIndex, table
from engine.persistence.schema import alembic_config
from engine.procedure import services
from tests.support.context import TEST_AUDIT_KEY, TEST_AUDIT_KEY_TEXT, make_context
from tests.support.driver import ALL_MEMBERS, APPLICATION, LOOKS_EXEMPT, apply, to_ruling_meeting
from tests.support.transports import ServiceTransport
from webapp.cli import main

EVENTS = table(AuditEvent)
OTHER_KEY = AuditKey.from_text("mallory-knows-sha256-and-has-her-own-key")


def voted_case(ctx: EngineContext, people: dict[str, Actor]) -> int:
    """A case of the shipped procedure through the committee's votes."""
    run = apply(ServiceTransport(ctx, people))
    to_ruling_meeting(run, LOOKS_EXEMPT, "EXEMPT")
    run.convene(ALL_MEMBERS)
    run.vote({"committee1": "agree", "committee2": "agree", "committee3": "disagree"})
    return run.case_id


@pytest.fixture
def case_id(deployed: EngineContext, people: dict[str, Actor]) -> int:
    return voted_case(deployed, people)


def problems(ctx: EngineContext, case: int | None = None) -> list[str]:
    with ctx.sessions() as s:
        return [p for report in audit.verify(s, case) for p in report.problems]


def remove_newest_system_event(conn: Connection) -> int:
    newest = conn.execute(select(EVENTS.c.id, EVENTS.c.seq).where(EVENTS.c.chain == audit.SYSTEM_CHAIN)
                          .order_by(EVENTS.c.seq.desc()).limit(1)).one()
    conn.execute(delete(EVENTS).where(EVENTS.c.id == newest.id))
    return int(newest.seq)


def remove_case(conn: Connection, case: int) -> None:
    """Delete a case with everything that refers to it, as someone with database access could."""
    for tab in reversed(Base.metadata.sorted_tables):
        if "case_id" in tab.c:
            conn.execute(delete(tab).where(tab.c.case_id == case))
    conn.execute(delete(table(Case)).where(table(Case).c.id == case))


def remove_anchor(conn: Connection, chain: str) -> None:
    conn.execute(delete(table(AuditAnchor)).where(table(AuditAnchor).c.chain == chain))


Signer = Callable[[dict[str, Any]], tuple[str | None, str]]

SIGNERS: dict[str, Signer] = {
    # SHA-256 over the same text, the key id left as it was.
    "plain-sha256": lambda f: (TEST_AUDIT_KEY.id, hashlib.sha256(audit.hashed_text(f, TEST_AUDIT_KEY.id).encode()).hexdigest()),
    # SHA-256 with the key id cleared, posing as events written before the trail was keyed.
    "unkeyed-sha256": lambda f: (None, audit.plain_digest(f)),
    # An HMAC under another key, named as such or posing as the configured one.
    "other-key": lambda f: (OTHER_KEY.id, OTHER_KEY.mac(audit.hashed_text(f, OTHER_KEY.id))),
    "other-key-our-id": lambda f: (TEST_AUDIT_KEY.id, OTHER_KEY.mac(audit.hashed_text(f, TEST_AUDIT_KEY.id))),
}


def change_a_vote_and_rehash(ctx: EngineContext, case: int, sign: Signer) -> int:
    """Turn the first vote into 'disagree', re-hash the rest of the chain and point the case row at it; its seq."""
    chain = audit.case_chain(case)
    with ctx.sessions() as s:
        vote = s.scalars(select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.bpmn_id == "cast_vote",
                                                  AuditEvent.event == "task_completed")
                         .order_by(AuditEvent.seq)).first()
        assert vote is not None and vote.details["after"]["vote"] == "agree"
        vote.details = {**vote.details, "after": {**vote.details["after"], "vote": "disagree"}}
        rows = s.scalars(select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.seq >= vote.seq)
                         .order_by(AuditEvent.seq)).all()
        prev = vote.prev_hash
        for row in rows:
            row.prev_hash = prev
            row.key_id, row.hash = sign({name: getattr(row, name) for name in audit.HASHED})
            prev = row.hash
        s.execute(update(Case).where(Case.id == case).values(audit_head=prev))
        s.commit()
        return vote.seq


def test_an_intact_database_verifies_with_anchors_and_registrations(deployed: EngineContext, case_id: int) -> None:
    with deployed.sessions() as s:
        reports = audit.verify(s)
        anchors = {a.chain: a for a in s.scalars(select(AuditAnchor))}
        opened = s.scalars(select(AuditEvent.details).where(AuditEvent.event == audit.OPENED)).all()
        newest = s.scalars(select(AuditEvent).where(AuditEvent.chain == audit.case_chain(case_id))
                           .order_by(AuditEvent.seq.desc())).first()
    assert all(r.ok for r in reports) and [r.chain for r in reports] == [audit.case_chain(case_id), audit.SYSTEM_CHAIN]
    assert newest is not None and newest.key_id == TEST_AUDIT_KEY.id
    assert (anchors[audit.case_chain(case_id)].seq, anchors[audit.case_chain(case_id)].hash) == (newest.seq, newest.hash)
    assert opened == [{"chain": audit.case_chain(case_id)}]
    assert problems(deployed, case_id) == []


def test_removing_the_newest_system_event_is_named_as_the_system_chains_removed_tail(
    deployed: EngineContext, case_id: int
) -> None:
    with deployed.db.begin() as conn:
        seq = remove_newest_system_event(conn)
    # The newest system event was the case's registration: the case is reported as unregistered as well.
    assert problems(deployed) == [
        f"case:{case_id}: not registered in the system chain (registration removed, or chain inserted)",
        f"system: removed tail: events #{seq}–#{seq} are gone (anchored at #{seq}, events end at #{seq - 1})",
    ]


def test_removing_a_whole_case_is_named(deployed: EngineContext, people: dict[str, Actor], case_id: int) -> None:
    other = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    with deployed.db.begin() as conn:
        remove_case(conn, case_id)
    found = problems(deployed)
    assert found and all(p.startswith(f"case:{case_id}: removed case: case {case_id} is anchored at #") for p in found)
    assert problems(deployed, case_id)[0].startswith(f"case:{case_id}: removed case")
    assert problems(deployed, other) == []


def test_removing_a_whole_case_with_its_anchor_is_found_through_its_registration(
    deployed: EngineContext, case_id: int
) -> None:
    with deployed.db.begin() as conn:
        remove_case(conn, case_id)
        remove_anchor(conn, audit.case_chain(case_id))
    expected = f"case:{case_id}: removed case: registered at system#"
    assert [p[:len(expected)] for p in problems(deployed)] == [expected]
    assert problems(deployed, case_id)[0].startswith(expected)


@pytest.mark.parametrize("signer", sorted(SIGNERS))
def test_a_re_hashed_vote_is_named(deployed: EngineContext, case_id: int, signer: str) -> None:
    assert problems(deployed) == []
    seq = change_a_vote_and_rehash(deployed, case_id, SIGNERS[signer])
    for found in (problems(deployed), problems(deployed, case_id)):
        assert found[0].startswith(f"case:{case_id}#{seq} task_completed cast_vote: "), found
        assert any("newest event does not match the anchor" in p for p in found)


def test_an_edit_without_re_hashing_names_the_event(deployed: EngineContext, case_id: int) -> None:
    with deployed.db.begin() as conn:
        conn.execute(update(EVENTS).where(EVENTS.c.chain == audit.case_chain(case_id), EVENTS.c.seq == 1)
                     .values(actor="mallory"))
    assert problems(deployed) == [f"case:{case_id}#1 case_started: content does not match its keyed hash"]


@pytest.mark.parametrize("which", ["case", "system"])
def test_removing_an_anchor_is_detected_and_stays_on_record(
    deployed: EngineContext, people: dict[str, Actor], case_id: int, which: str
) -> None:
    chain = audit.case_chain(case_id) if which == "case" else audit.SYSTEM_CHAIN
    with deployed.db.begin() as conn:
        remove_anchor(conn, chain)
    assert [p.split(";")[0] for p in problems(deployed)] == [f"{chain}: anchor missing (removed?)"]
    # The next event writes a new anchor, and the system chain keeps the evidence of the removal.
    services.claim_task(deployed, people["chair"], open_task(deployed, case_id))
    services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION)
    found = problems(deployed)
    assert len(found) == 1 and found[0].startswith(f"{chain}: anchor was found removed when event #"), found


def test_a_case_anchor_removed_before_completions_is_replaced_and_stays_on_record(
    deployed: EngineContext, people: dict[str, Actor]
) -> None:
    # A completion writes its events with the case row (on PostgreSQL in the same statement): the anchor's absence
    # must show there too, and the next steps go on writing the new anchor.
    via = ServiceTransport(deployed, people)
    run = apply(via)
    chain = audit.case_chain(run.case_id)
    acceptance = run.task("acceptance_review", None).id
    via.claim("intake", acceptance)
    with deployed.db.begin() as conn:
        remove_anchor(conn, chain)
        newest = conn.execute(select(table(Case).c.audit_seq).where(table(Case).c.id == run.case_id)).scalar_one()
    via.complete("intake", acceptance, {"jurisdiction_ok": True, "materials_complete": True, "acceptance": "accept",
                                        "acceptance_reason": "属于管辖范围，材料齐全"})
    run.triage("ordinary")
    found = problems(deployed)
    assert len(found) == 1 and found[0].startswith(f"{chain}: anchor was found removed when event #{newest + 1} "), found
    with deployed.sessions() as s:
        assert s.scalar(select(AuditEvent.event).where(AuditEvent.chain == chain, AuditEvent.seq == newest + 1)) \
            == "task_completed"


def open_task(ctx: EngineContext, case: int) -> str:
    with ctx.sessions() as s:
        return s.scalars(select(TaskIndex.id).where(TaskIndex.case_id == case)).one()


def test_editing_an_anchor_is_detected(deployed: EngineContext, case_id: int) -> None:
    anchors = table(AuditAnchor)
    with deployed.db.begin() as conn:
        conn.execute(update(anchors).where(anchors.c.chain == audit.case_chain(case_id)).values(seq=anchors.c.seq + 1))
    assert problems(deployed) == [f"case:{case_id}: anchor edited (its MAC does not match)"]


def test_verifying_with_another_key_says_so(deployed: EngineContext, case_id: int, db_url: str) -> None:
    other = make_context(db_url, deployed.clock, audit_key=OTHER_KEY)
    try:
        found = problems(other)
    finally:
        other.db.dispose()
    assert found == [f"{chain}: written with audit key {TEST_AUDIT_KEY.id}, but the configured key is {OTHER_KEY.id} "
                     "(wrong RCJC_AUDIT_KEY or instance key file?)"
                     for chain in (audit.case_chain(case_id), audit.SYSTEM_CHAIN)]


def test_a_case_removed_before_another_starts_stays_on_record(deployed: EngineContext, people: dict[str, Actor]) -> None:
    first = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    with deployed.db.begin() as conn:
        remove_case(conn, first)
    # SQLite gives the removed case's number to the next one; PostgreSQL a new one. Either way the removal stays.
    second = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    found = problems(deployed)
    assert found and all(p.startswith(f"case:{first}: removed case") for p in found), found
    assert problems(deployed, second) == []


TAMPERINGS: dict[str, tuple[Callable[[Connection, int], Any], str]] = {
    "system-tail": (lambda conn, case: remove_newest_system_event(conn), "system: removed tail"),
    "case": (remove_case, "removed case"),
    "case-and-anchor": (lambda conn, case: (remove_case(conn, case), remove_anchor(conn, audit.case_chain(case))),
                        "removed case: registered at system#"),
    "anchor": (lambda conn, case: remove_anchor(conn, audit.case_chain(case)), "anchor missing"),
    "edit": (lambda conn, case: conn.execute(update(EVENTS).where(EVENTS.c.chain == audit.case_chain(case))
                                             .values(actor="mallory")), "does not match its keyed hash"),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_cli_audit_verify_names_each_tampering(cli: CliRunner, deployed: EngineContext, case_id: int, tampering: str) -> None:
    intact = cli.invoke(main, ["audit", "verify"])
    assert intact.exit_code == 0 and intact.output.startswith("audit OK: 2 chain(s)"), intact.output
    tamper, expected = TAMPERINGS[tampering]
    with deployed.db.begin() as conn:
        tamper(conn, case_id)
    result = cli.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and expected in result.output, result.output
    if tampering != "system-tail":
        one = cli.invoke(main, ["audit", "verify", str(case_id)])
        assert one.exit_code == 1 and f"case:{case_id}" in one.output, one.output


def test_cli_audit_verify_names_a_re_hashed_vote_and_a_wrong_key(
    cli: CliRunner, deployed: EngineContext, case_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RCJC_AUDIT_KEY", "a-key-that-never-wrote-anything")
    wrong = cli.invoke(main, ["audit", "verify"])
    assert wrong.exit_code == 1 and "but the configured key is" in wrong.output, wrong.output
    monkeypatch.setenv("RCJC_AUDIT_KEY", TEST_AUDIT_KEY_TEXT)
    seq = change_a_vote_and_rehash(deployed, case_id, SIGNERS["plain-sha256"])
    result = cli.invoke(main, ["audit", "verify", str(case_id)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"case:{case_id}#{seq} task_completed cast_vote: content does not match its keyed hash "
                                    "(re-hashed with plain SHA-256)"), result.output


def make_legacy(conn: Connection) -> None:
    """Rewrite the trail as the code before keying wrote it: plain SHA-256, no registrations, no anchors."""
    conn.execute(delete(EVENTS).where(EVENTS.c.event == audit.OPENED))
    columns = [EVENTS.c[name] for name in ("id", *audit.HASHED)]
    rows = conn.execute(select(*columns).order_by(EVENTS.c.chain, EVENTS.c.seq)).all()
    chain, prev, seq = "", audit.GENESIS, 0
    for row in rows:
        if row.chain != chain:
            chain, prev, seq = row.chain, audit.GENESIS, 0
        seq += 1
        fields = {**row._mapping, "seq": seq, "prev_hash": prev}
        prev = audit.plain_digest(fields)
        conn.execute(update(EVENTS).where(EVENTS.c.id == row.id).values(seq=seq, prev_hash=fields["prev_hash"], hash=prev))
        if chain.startswith("case:"):
            cases = table(Case)
            conn.execute(update(cases).where(cases.c.id == row.case_id).values(audit_head=prev, audit_seq=seq))


def test_init_anchors_a_database_written_before_keying(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    live = make_context(db_url, SystemClock())
    try:
        check_legacy_upgrade(cli, live)
    finally:
        live.db.dispose()


def check_legacy_upgrade(cli: CliRunner, live: EngineContext) -> None:
    with live.sessions() as s:
        applicant, intake = users.actor_for(s, "applicant"), users.actor_for(s, "intake")
    case = services.start_case(live, applicant, "rcjc_case", "application", APPLICATION).case_id
    config = alembic_config()
    with live.db.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
        make_legacy(conn)
    upgraded = cli.invoke(main, ["init"])
    assert upgraded.exit_code == 0 and f"anchored 2 existing chain(s) with audit key {TEST_AUDIT_KEY.id}" in upgraded.output
    assert cli.invoke(main, ["audit", "verify"]).exit_code == 0
    # New events continue the old chains; a second init changes nothing.
    services.claim_task(live, intake, open_task(live, case))
    again = cli.invoke(main, ["init"])
    assert again.exit_code == 0 and "anchored" not in again.output
    verified = cli.invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and "audit OK: 2 chain(s)" in verified.output, verified.output
    with live.sessions() as s:
        keys = s.execute(select(AuditEvent.chain, AuditEvent.event, AuditEvent.key_id).order_by(AuditEvent.id)).all()
    assert (audit.case_chain(case), "case_started", None) in keys
    assert (audit.case_chain(case), "task_claimed", TEST_AUDIT_KEY.id) in keys
    # The anchors written by init protect the old events too.
    with live.db.begin() as conn:
        remove_newest_system_event(conn)
        remove_case(conn, case)
    broken = cli.invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1 and "system: removed tail" in broken.output and f"case:{case}: removed case" in broken.output
