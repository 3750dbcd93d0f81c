"""The hash-chained audit trail: append events and verify that no row was edited or removed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .db import connection
from .models import AuditEvent, Case, table
from .prepared import Prepared

GENESIS = "0" * 64
_INSERT = Prepared(insert(table(AuditEvent)))
SYSTEM_CHAIN = "system"


def case_chain(case_id: int) -> str:
    """Name of the audit chain of one case."""
    return f"case:{case_id}"


HASHED = ("chain", "seq", "case_id", "event", "actor", "at", "task_id", "bpmn_id", "details", "prev_hash")


def _digest(fields: dict[str, Any]) -> str:
    body = {name: fields[name] for name in HASHED}
    body["at"] = body["at"].isoformat()
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    """Append one event after `prev` (read from the chain when not given); the caller holds the chain's lock."""
    prev = prev or last_link(session, chain)
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
    }
    fields["hash"] = _digest(fields)
    _INSERT.run(connection(session), fields)
    return Link(fields["seq"], fields["hash"])


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying one chain."""

    chain: str
    events: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def verify_chain(session: Session, chain: str) -> ChainReport:
    """Recompute every hash of a chain and report edited, removed or reordered events."""
    rows = session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)).all()
    problems: list[str] = []
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq:
            problems.append(f"{chain}: event {expected_seq} is missing (found {row.seq})")
        if row.prev_hash != prev:
            problems.append(f"{chain}#{row.seq}: previous-hash link broken")
        if _digest({name: getattr(row, name) for name in HASHED}) != row.hash:
            problems.append(f"{chain}#{row.seq}: content does not match its hash")
        prev = row.hash
    return ChainReport(chain, len(rows), tuple(problems))


def all_chains(session: Session) -> list[str]:
    """Every chain that has events."""
    return list(session.scalars(select(AuditEvent.chain).distinct().order_by(AuditEvent.chain)))


def verify(session: Session, case_id: int | None = None) -> list[ChainReport]:
    """Verify one case's chain, or every chain; a case whose newest events were removed fails too."""
    chains = [case_chain(case_id)] if case_id is not None else all_chains(session)
    reports = []
    for chain in chains:
        report = verify_chain(session, chain)
        if chain.startswith("case:"):
            case = session.get(Case, int(chain.removeprefix("case:")))
            last = session.scalar(select(AuditEvent.hash).where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc()))
            if case is None or case.audit_head != last:
                report = ChainReport(chain, report.events, report.problems + (f"{chain}: newest events missing",))
        reports.append(report)
    return reports
