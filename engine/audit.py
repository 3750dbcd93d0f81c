"""The hash-chained audit trail: append events and verify that no row was edited or removed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent, Case

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"


def case_chain(case_id: int) -> str:
    """Name of the audit chain of one case."""
    return f"case:{case_id}"


def _digest(event: AuditEvent) -> str:
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "case_id": event.case_id,
        "event": event.event,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "task_id": event.task_id,
        "bpmn_id": event.bpmn_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    chain: str,
    event: str,
    actor: str,
    at: datetime,
    case_id: int | None = None,
    task_id: str | None = None,
    bpmn_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to a chain; the caller holds the lock that orders the chain (the case row)."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    row = AuditEvent(
        chain=chain,
        seq=(last.seq + 1) if last else 1,
        case_id=case_id,
        event=event,
        actor=actor,
        at=at,
        task_id=task_id,
        bpmn_id=bpmn_id,
        # A JSON round trip now makes the hashed form equal to what the database hands back later.
        details=json.loads(json.dumps(details or {}, ensure_ascii=False, default=str)),
        prev_hash=last.hash if last else GENESIS,
    )
    row.hash = _digest(row)
    session.add(row)
    session.flush()
    return row


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
        if _digest(row) != row.hash:
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
