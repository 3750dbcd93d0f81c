"""The keyed audit trail: append events, moving each chain's anchor, and verify the whole.

Every chain (one per case, plus the system chain) links each event to the one before it by an HMAC under
the audit key, which is kept outside the database: recomputing the chain after an edit needs the key.
A table of anchors holds each chain's newest event with a MAC, so removing the newest events shows; it
has no foreign key to the case, so a deleted case leaves its anchor behind. Each new chain is registered
in the system chain, so a case removed together with its anchor shows too. Hashing lives in
engine.persistence.audit_key, verification in engine.persistence.audit_verify; callers reach both through this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence import riders
from engine.persistence.audit_key import (
    ADOPTED,
    ANCHOR_MISSING,
    GENESIS,
    OPENED,
    REUSED,
    SYSTEM_CHAIN,
    AuditKey,
    anchor_mac,
    hashed_text,
    key_of,
)
from engine.persistence.audit_key import HASHED as HASHED
from engine.persistence.audit_key import KEY_INFO as KEY_INFO
from engine.persistence.audit_key import case_chain as case_chain
from engine.persistence.audit_key import plain_digest as plain_digest
from engine.persistence.audit_verify import ChainReport as ChainReport
from engine.persistence.audit_verify import all_chains as all_chains
from engine.persistence.audit_verify import verify as verify
from engine.persistence.audit_verify import verify_chain as verify_chain
from engine.persistence.db import connection
from engine.persistence.models import AuditAnchor, AuditEvent, table
from engine.persistence.prepared import Prepared

ANCHORS = table(AuditAnchor)
_INSERT = Prepared(insert(table(AuditEvent)))
_UPDATE_ANCHOR = Prepared(update(ANCHORS).where(ANCHORS.c.chain == bindparam("anchor_chain")).values(
    {c: bindparam(c, type_=ANCHORS.c[c].type) for c in ("seq", "hash", "key_id", "mac")}))
_EVENTS = table(AuditEvent)
_APPENDED = insert(_EVENTS).values({
    c.key: bindparam(f"event_{c.key}", type_=c.type) for c in _EVENTS.c if c.key != "id"}).cte("appended")
_APPEND_MOVING_ANCHOR = Prepared(update(ANCHORS).where(ANCHORS.c.chain == bindparam("anchor_chain")).values(
    {c: bindparam(c, type_=ANCHORS.c[c].type) for c in ("seq", "hash", "key_id", "mac")}).add_cte(_APPENDED))
# A chain's first event inserts its anchor; an anchor already there is the trace of a removed case.
# RETURNING tells whether the row went in (drivers need not report an INSERT's row count).
_INSERT_ANCHOR = {
    "postgresql": Prepared(postgresql.insert(ANCHORS).on_conflict_do_nothing().returning(ANCHORS.c.chain)),
    "sqlite": Prepared(sqlite.insert(ANCHORS).on_conflict_do_nothing().returning(ANCHORS.c.chain)),
}
# The system chain has no case row to lock: its anchor row serializes its writers instead.
_LOCK_ANCHOR = Prepared(select(ANCHORS.c.seq, ANCHORS.c.hash).where(ANCHORS.c.chain == bindparam("anchor_chain"))
                        .with_for_update())


@dataclass(frozen=True)
class Link:
    """The end of a chain: the newest event's number and hash."""

    seq: int
    hash: str


START = Link(0, GENESIS)


def last_link(session: Session, chain: str) -> Link:
    """The newest event of a chain, read from the events themselves."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return Link(last.seq, last.hash) if last else START


def _locked_head(session: Session, chain: str) -> Link:
    """The newest link of a chain from its anchor, locked until the transaction ends (else from its events)."""
    row = _LOCK_ANCHOR.run(connection(session), {"anchor_chain": chain}).first()
    return Link(row.seq, row.hash) if row is not None else last_link(session, chain)


def append(
    session: Session,
    *,
    chain: str,
    event: str,
    actor: str,
    at: datetime,
    prev: Link | None = None,
    case_id: int | None = None,
    task_id: str | None = None,
    bpmn_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> Link:
    """Append one event after `prev` and move the chain's anchor to it; the caller holds the chain's lock.

    Without `prev` the head is read from the chain's anchor, which is locked for the rest of the transaction.
    """
    key = key_of(session)
    prev = prev or _locked_head(session, chain)
    fields: dict[str, Any] = {
        "chain": chain,
        "seq": prev.seq + 1,
        "case_id": case_id,
        "event": event,
        "actor": actor,
        "at": at,
        "task_id": task_id,
        "bpmn_id": bpmn_id,
        # A JSON round trip now makes the hashed form equal to what the database hands back later.
        "details": json.loads(json.dumps(details or {}, ensure_ascii=False, default=str)),
        "prev_hash": prev.hash,
        "key_id": key.id,
    }
    fields["hash"] = key.mac(hashed_text(fields, key.id))
    link = Link(fields["seq"], fields["hash"])
    conn = connection(session)
    if prev.seq > 0 and chain != SYSTEM_CHAIN and riders.queue_event(
            session, chain, fields, _anchor_values(key, chain, link),
            lambda newest: _replace_missing_anchor(session, key, chain, Link(newest["seq"], newest["hash"]), actor, at,
                                                   found_at=link.seq)):
        return link  # written with the case row (PostgreSQL, in a use case that carries riders)
    if prev.seq > 0 and conn.dialect.name == "postgresql":
        # One round trip for the event and its anchor: the INSERT runs as a CTE of the anchor's UPDATE.
        params = {**{f"event_{k}": v for k, v in fields.items()}, "anchor_chain": chain, **_anchor_values(key, chain, link)}
        if _APPEND_MOVING_ANCHOR.run(conn, params).rowcount != 1:
            _replace_missing_anchor(session, key, chain, link, actor, at)
        return link
    _INSERT.run(conn, fields)
    _move_anchor(session, key, chain, prev, link, actor, at)
    return link


def _anchor_values(key: AuditKey, chain: str, link: Link) -> dict[str, Any]:
    return {"seq": link.seq, "hash": link.hash, "key_id": key.id, "mac": anchor_mac(key, chain, link.seq, link.hash)}


def _move_anchor(session: Session, key: AuditKey, chain: str, prev: Link, link: Link, actor: str, at: datetime) -> None:
    """One UPDATE per event; a chain's first event inserts its anchor and registers the chain."""
    conn = connection(session)
    values = _anchor_values(key, chain, link)
    if prev.seq > 0:
        if _UPDATE_ANCHOR.run(conn, {"anchor_chain": chain, **values}).rowcount != 1:
            _replace_missing_anchor(session, key, chain, link, actor, at)
        return
    if _INSERT_ANCHOR[conn.dialect.name].run(conn, {"chain": chain, **values}).first() is None:
        # The anchor of a removed case whose number is now reused (SQLite hands out the highest id again).
        old = session.execute(select(AuditAnchor.seq, AuditAnchor.hash).where(AuditAnchor.chain == chain)).one()
        _UPDATE_ANCHOR.run(conn, {"anchor_chain": chain, **values})
        append(session, chain=SYSTEM_CHAIN, event=REUSED, actor=actor, at=at,
               details={"chain": chain, "seq": old.seq, "hash": old.hash})
    if chain != SYSTEM_CHAIN:
        append(session, chain=SYSTEM_CHAIN, event=OPENED, actor=actor, at=at, details={"chain": chain})


def _replace_missing_anchor(session: Session, key: AuditKey, chain: str, link: Link, actor: str, at: datetime,
                            found_at: int | None = None) -> None:
    """Someone deleted the anchor. Writing a new one (at `link`) keeps the case working; the system chain keeps the
    evidence, so verification goes on reporting it. `found_at`: the first event written without the anchor, when
    several went in one statement (else the one at `link`)."""
    conn = connection(session)
    _INSERT_ANCHOR[conn.dialect.name].run(conn, {"chain": chain, **_anchor_values(key, chain, link)})
    append(session, chain=SYSTEM_CHAIN, event=ANCHOR_MISSING, actor=actor, at=at,
           details={"chain": chain, "seq": link.seq if found_at is None else found_at})


def anchor_legacy_chains(session: Session, actor: str, at: datetime) -> int:
    """Anchor and register the chains written before the trail was keyed; returns how many (0 once done).

    Run by `rcjc init`, not by the migration: migrations need only the database, never the key. Not on
    first verify either (verification only reads), nor on each chain's first append (a chain nobody
    touches again would stay unprotected). It does nothing once any anchor or keyed event exists, so a
    deleted anchor is never silently re-created.
    """
    if session.scalar(select(AuditAnchor.chain).limit(1)) is not None:
        return 0
    if session.scalar(select(AuditEvent.id).where(AuditEvent.key_id.is_not(None)).limit(1)) is not None:
        return 0
    newest = select(AuditEvent.chain, func.max(AuditEvent.seq)).group_by(AuditEvent.chain)
    heads = {row.chain: Link(row.seq, row.hash) for row in session.execute(
        select(AuditEvent.chain, AuditEvent.seq, AuditEvent.hash).where(tuple_(AuditEvent.chain, AuditEvent.seq).in_(newest)))}
    if not heads:
        return 0
    key = key_of(session)
    conn = connection(session)
    for chain, head in sorted(heads.items()):
        _INSERT_ANCHOR[conn.dialect.name].run(conn, {"chain": chain, **_anchor_values(key, chain, head)})
    append(session, chain=SYSTEM_CHAIN, event=ADOPTED, actor=actor, at=at, details={
        "key_id": key.id, "chains": {chain: head.seq for chain, head in sorted(heads.items()) if chain != SYSTEM_CHAIN},
    })
    return len(heads)
