"""Verifying the audit trail: each event's keyed hash and link, each chain's anchor, and the registry of chains."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.audit_key import (
    ADOPTED,
    ANCHOR_MISSING,
    GENESIS,
    HASHED,
    OPENED,
    REUSED,
    SYSTEM_CHAIN,
    AuditKey,
    anchor_mac,
    case_chain,
    hashed_text,
    key_of,
    plain_digest,
)
from engine.persistence.models import AuditAnchor, AuditEvent, Case


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


@dataclass
class Registry:
    """What the system chain says about the other chains: where each was registered, and incidents."""

    opened: dict[str, int] = field(default_factory=dict)
    incidents: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, system_events: list[AuditEvent]) -> Registry:
        """Collect registrations and recorded incidents from the system chain's events."""
        found = cls()
        for row in system_events:
            details = row.details if isinstance(row.details, dict) else {}
            chain = str(details.get("chain", ""))
            where = f"system#{row.seq}, {row.at:%Y-%m-%d %H:%M}"
            if row.event == OPENED:
                found.opened.setdefault(chain, row.seq)
            elif row.event == ADOPTED:
                for name in details.get("chains", {}):
                    found.opened.setdefault(str(name), row.seq)
            elif row.event == ANCHOR_MISSING:
                found.incidents.setdefault(chain, []).append(
                    f"{chain}: anchor was found removed when event #{details.get('seq')} was written ({where})")
            elif row.event == REUSED:
                found.incidents.setdefault(chain, []).append(
                    f"{chain}: removed case: an earlier {_name(chain)} was anchored at #{details.get('seq')}; "
                    f"its number was reused ({where})")
        return found


def _name(chain: str) -> str:
    return "the system chain" if chain == SYSTEM_CHAIN else chain.replace("case:", "case ")


def _label(row: AuditEvent) -> str:
    return f"{row.chain}#{row.seq} {row.event}" + (f" {row.bpmn_id}" if row.bpmn_id else "")


# After one edit and a re-hash every later event breaks as well: these are listed, the rest counted.
SHOWN = 5


def _check_events(chain: str, rows: list[AuditEvent], key: AuditKey) -> tuple[list[str], bool]:
    """Problems of the events themselves, and whether they were all written with some other key."""
    problems: list[str] = []
    foreign = sorted({r.key_id for r in rows if r.key_id is not None and r.key_id != key.id})
    # Nothing written with this key but something with another: the wrong key, not an edit per event.
    wrong_key = bool(foreign) and not any(r.key_id == key.id for r in rows)
    if wrong_key:
        problems.append(f"{chain}: written with audit key {', '.join(foreign)}, but the configured key is {key.id} "
                        "(wrong RCJC_AUDIT_KEY or instance key file?)")
    broken: list[tuple[int, str]] = []
    prev, keyed = GENESIS, False
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq:
            problems.append(f"{chain}: event {expected_seq} is missing (found {row.seq})")
        if row.prev_hash != prev:
            problems.append(f"{chain}#{row.seq}: previous-hash link broken")
        fields = {name: getattr(row, name) for name in HASHED}
        if row.key_id is None:
            if keyed:
                broken.append((row.seq, f"{_label(row)}: content not hashed with the audit key (plain SHA-256 "
                                        "after keyed events)"))
            elif not hmac.compare_digest(plain_digest(fields), row.hash):
                broken.append((row.seq, f"{_label(row)}: content does not match its hash"))
        else:
            keyed = True
            if row.key_id != key.id:
                if not wrong_key:
                    broken.append((row.seq, f"{_label(row)}: hashed with another audit key ({row.key_id}), not {key.id}"))
            elif not hmac.compare_digest(key.mac(hashed_text(fields, key.id)), row.hash):
                plain = hashlib.sha256(hashed_text(fields, key.id).encode("utf-8")).hexdigest()
                hint = " (re-hashed with plain SHA-256)" if row.hash in (plain, plain_digest(fields)) else ""
                broken.append((row.seq, f"{_label(row)}: content does not match its keyed hash{hint}"))
        prev = row.hash
    problems += [text for _, text in broken[:SHOWN]]
    if len(broken) > SHOWN:
        rest = broken[SHOWN:]
        problems.append(f"{chain}: {len(rest)} more event(s) from #{rest[0][0]} to #{rest[-1][0]} do not verify either")
    return problems, wrong_key


def _check_anchor(chain: str, rows: list[AuditEvent], anchor: AuditAnchor | None, key: AuditKey, wrong_key: bool) -> list[str]:
    """Problems between a chain's events and its anchor: removed tails, removed cases, edited anchors."""
    last = rows[-1] if rows else None
    if anchor is None:
        return [f"{chain}: anchor missing (removed?); its events end at #{last.seq}"] if last is not None else []
    if anchor.key_id != key.id:
        return [] if wrong_key else [f"{chain}: anchor written with another audit key ({anchor.key_id}), not {key.id}"]
    if not hmac.compare_digest(anchor_mac(key, chain, anchor.seq, anchor.hash), anchor.mac):
        return [f"{chain}: anchor edited (its MAC does not match)"]
    if last is None:
        what = "removed case" if chain != SYSTEM_CHAIN else "removed tail"
        return [f"{chain}: {what}: {_name(chain)} is anchored at #{anchor.seq} but has no events"]
    if anchor.seq > last.seq:
        return [f"{chain}: removed tail: events #{last.seq + 1}–#{anchor.seq} are gone "
                f"(anchored at #{anchor.seq}, events end at #{last.seq})"]
    if anchor.seq < last.seq:
        return [f"{chain}: events #{anchor.seq + 1}–#{last.seq} were added behind the anchor (#{anchor.seq})"]
    if anchor.hash != last.hash:
        return [f"{chain}#{last.seq}: newest event does not match the anchor"]
    return []


def _check_case_row(session: Session, chain: str, rows: list[AuditEvent]) -> list[str]:
    """The case row keeps its newest link too: it must agree with the events."""
    number = chain.removeprefix("case:")
    if not number.isdigit():
        return [f"{chain}: not the name of a case's chain"]
    case_id = int(number)
    head = session.execute(select(Case.audit_seq, Case.audit_head).where(Case.id == case_id)).first()
    if head is None:
        return [f"{chain}: removed case: case {case_id} is gone but {len(rows)} event(s) remain"] if rows else []
    if rows and head.audit_head != rows[-1].hash:
        return [f"{chain}: newest events missing (the case is at #{head.audit_seq}, events end at #{rows[-1].seq})"]
    return []


def _events(session: Session, chain: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)))


def verify_chain(session: Session, chain: str, anchor: AuditAnchor | None = None,
                 rows: list[AuditEvent] | None = None) -> ChainReport:
    """Check every keyed hash of a chain, its links, its anchor and (for a case) the case row."""
    key = key_of(session)
    rows = _events(session, chain) if rows is None else rows
    problems, wrong_key = _check_events(chain, rows, key)
    problems += _check_anchor(chain, rows, anchor, key, wrong_key)
    if chain.startswith("case:"):
        problems += _check_case_row(session, chain, rows)
    return ChainReport(chain, len(rows), tuple(problems))


def all_chains(session: Session) -> list[str]:
    """Every chain that has events."""
    return list(session.scalars(select(AuditEvent.chain).distinct().order_by(AuditEvent.chain)))


def verify(session: Session, case_id: int | None = None) -> list[ChainReport]:
    """Verify one case's chain, or every chain with the registrations and anchors of all of them."""
    if case_id is not None:
        chain = case_chain(case_id)
        report = verify_chain(session, chain, session.get(AuditAnchor, chain))
        if report.events or not report.ok:
            return [report]
        # Nothing left at all: only the system chain can still tell whether the case existed.
        registry = Registry.read(_events(session, SYSTEM_CHAIN))
        if chain in registry.opened:
            problem = f"{chain}: removed case: registered at system#{registry.opened[chain]} but its events and anchor are gone"
        else:
            problem = f"{chain}: no such chain"
        return [ChainReport(chain, 0, (problem, *registry.incidents.get(chain, [])))]
    anchors = {a.chain: a for a in session.scalars(select(AuditAnchor))}
    system_rows = _events(session, SYSTEM_CHAIN)
    registry = Registry.read(system_rows)
    chains = sorted(set(all_chains(session)) | set(anchors) | set(registry.opened) | set(registry.incidents))
    reports = []
    for chain in chains:
        rows = system_rows if chain == SYSTEM_CHAIN else None
        report = verify_chain(session, chain, anchors.get(chain), rows)
        problems = list(report.problems)
        if chain != SYSTEM_CHAIN:
            if chain not in registry.opened and (report.events or chain in anchors):
                problems.append(f"{chain}: not registered in the system chain (registration removed, or chain inserted)")
            elif chain in registry.opened and not report.events and chain not in anchors:
                problems.append(f"{chain}: removed case: registered at system#{registry.opened[chain]} "
                                "but its events and anchor are gone")
        problems += registry.incidents.get(chain, [])
        reports.append(ChainReport(chain, report.events, tuple(problems)))
    return reports
