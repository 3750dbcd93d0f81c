"""Writes that ride with the case row's UPDATE on PostgreSQL: a step's audit events, its chain's anchor, its
notifications and its change to the figures' tally go to the database in the round trip that writes the case, as
data-modifying CTEs.

Nothing in the step reads these rows back, so they need not travel on their own: each round trip between the
application and PostgreSQL costs more than the work of such an INSERT. A use case opts in with `carry`; inside it,
`audit.append` (case chains), `choices.deliver` and `figure_tally.ride` queue their rows here, `case_rows.write`
takes them along, and whatever is still queued at the commit goes in one statement of its own, so nothing queued is
ever lost.
SQLite has no such CTEs and no round trips to save: there the rows are written at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Update

from engine.persistence.db import connection
from engine.persistence.models import AuditAnchor, AuditEvent, Notification, table
from engine.persistence.prepared import Prepared, Result
from engine.persistence.stats_tables import FigureTally, adding_to_tally

_KEY = "rcjc_riders"
_EVENTS, _ANCHORS, _NOTES, _TALLY = table(AuditEvent), table(AuditAnchor), table(Notification), table(FigureTally)
_EVENT_COLUMNS = [c for c in _EVENTS.c if c.key != "id"]
_NOTE_COLUMNS = [c for c in _NOTES.c if c.key != "id"]
_ANCHOR_COLUMNS = ("seq", "hash", "key_id", "mac")
# A statement per shape: (case columns written or None, events, notifications, anchor moved, tally rows). There are
# few.
_STATEMENTS: dict[tuple[Any, ...], Prepared] = {}


@dataclass
class Riders:
    """What a use case queued so far: audit events of one chain with the anchor they leave, and notifications."""

    events: list[dict[str, Any]] = field(default_factory=list)
    chain: str | None = None
    # The chain's anchor as its newest queued event leaves it, and what to do should the anchor row be gone: the
    # first queued event's callback, given the newest anchor (that event is the one that found it gone).
    anchor: dict[str, Any] | None = None
    anchor_missing: Callable[[dict[str, Any]], None] | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    # Rows to add to the figures' tally, in key order (see figure_tally.add).
    tally: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.notes or self.tally)

    def _shape(self) -> tuple[int, int, bool, int]:
        return len(self.events), len(self.notes), self.anchor is not None, len(self.tally)

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for i, row in enumerate(self.events):
            params |= {f"rode_e{i}_{k}": v for k, v in row.items()}
        for i, row in enumerate(self.notes):
            params |= {f"rode_n{i}_{k}": v for k, v in row.items()}
        if self.anchor is not None:
            params |= {f"rode_a_{k}": v for k, v in self.anchor.items()}
        for i, row in enumerate(self.tally):
            params |= {f"rode_t{i}_{k}": v for k, v in row.items()}
        return params


@contextmanager
def carry(session: Session) -> Iterator[None]:
    """Within the block, on PostgreSQL, queue the step's audit events and notifications for the case row's write."""
    if connection(session).dialect.name != "postgresql" or _KEY in session.info:
        yield
        return
    session.info[_KEY] = Riders()
    try:
        yield
    finally:
        session.info.pop(_KEY, None)


def flush(session: Session) -> None:
    """Write what is still queued, in one statement of its own (the unit of work does this before it commits)."""
    riders = take(session)
    if riders is not None:
        checked(riders, _statement(None, None, riders).run(connection(session), riders._params()))


def queue_event(session: Session, chain: str, fields: dict[str, Any], anchor: dict[str, Any],
                anchor_missing: Callable[[dict[str, Any]], None]) -> bool:
    """Queue an audit event and its chain's new anchor; False when nothing carries them (the caller writes them)."""
    riders: Riders | None = session.info.get(_KEY)
    if riders is None or (riders.chain is not None and riders.chain != chain):
        return False
    riders.events.append(fields)
    riders.chain, riders.anchor = chain, {"chain": chain, **anchor}
    riders.anchor_missing = riders.anchor_missing or anchor_missing
    return True


def queue_notes(session: Session, rows: Sequence[dict[str, Any]]) -> bool:
    """Queue notification rows; False when nothing carries them (the caller writes them)."""
    return _queue(session, "notes", rows)


def queue_tally(session: Session, rows: Sequence[dict[str, Any]]) -> bool:
    """Queue rows to add to the figures' tally; False when nothing carries them (the caller writes them)."""
    return _queue(session, "tally", rows)


def _queue(session: Session, kind: str, rows: Sequence[dict[str, Any]]) -> bool:
    riders: Riders | None = session.info.get(_KEY)
    if riders is None:
        return False
    getattr(riders, kind).extend(rows)
    return True


def take(session: Session) -> Riders | None:
    """The queued rows for the statement about to carry them (the queue starts empty again), or None."""
    riders: Riders | None = session.info.get(_KEY)
    if not riders:
        return None
    session.info[_KEY] = Riders()
    return riders


def on_update(key: tuple[str, ...], build: Callable[[tuple[str, ...]], Update], riders: Riders
              ) -> tuple[Prepared, dict[str, Any]]:
    """The case UPDATE that `build(key)` makes, with the riders as its CTEs; and their parameters.

    The UPDATE is built anew for each shape: a statement already compiled keeps the (empty) RETURNING columns it
    memoized, which a derived statement would inherit.
    """
    return _statement(key, build, riders), riders._params()


def checked(riders: Riders, result: Result) -> None:
    """After the carrying statement: replace the chain's anchor if someone had deleted it."""
    row = result.first()
    if riders.anchor is not None and row is not None and row[0] == 0 and riders.anchor_missing is not None:
        riders.anchor_missing(riders.anchor)


def _statement(key: tuple[str, ...] | None, build: Callable[[tuple[str, ...]], Update] | None, riders: Riders) -> Prepared:
    n_events, n_notes, anchored, n_tally = riders._shape()
    shape = (key, n_events, n_notes, anchored, n_tally)
    prepared = _STATEMENTS.get(shape)
    if prepared is None:
        ctes = []
        if n_events:
            ctes.append(insert(_EVENTS).values([{c.key: bindparam(f"rode_e{i}_{c.key}", type_=c.type) for c in _EVENT_COLUMNS}
                                                for i in range(n_events)]).cte("rode_events"))
        if n_notes:
            ctes.append(insert(_NOTES).values([{c.key: bindparam(f"rode_n{i}_{c.key}", type_=c.type) for c in _NOTE_COLUMNS}
                                               for i in range(n_notes)]).cte("rode_notes"))
        if n_tally:
            ctes.append(adding_to_tally(postgresql.insert(_TALLY).values(
                [{c.key: bindparam(f"rode_t{i}_{c.key}", type_=c.type) for c in _TALLY.c} for i in range(n_tally)]
            )).cte("rode_tally"))
        # The anchor's UPDATE returns its row: counting it tells whether the anchor was there to move.
        moved: ColumnElement[Any] = literal(1)
        if anchored:
            anchor = (update(_ANCHORS).where(_ANCHORS.c.chain == bindparam("rode_a_chain"))
                      .values({c: bindparam(f"rode_a_{c}", type_=_ANCHORS.c[c].type) for c in _ANCHOR_COLUMNS})
                      .returning(_ANCHORS.c.chain).cte("rode_anchor"))
            ctes.append(anchor)
            moved = select(func.count()).select_from(anchor).scalar_subquery()
        # A case row's UPDATE carries them; at the commit, a bare SELECT does.
        carrier: Executable = (build(key).add_cte(*ctes).returning(moved.label("anchors_moved"))
                               if build is not None and key is not None else select(moved.label("anchors_moved")).add_cte(*ctes))
        prepared = _STATEMENTS[shape] = Prepared(carrier)
    return prepared
