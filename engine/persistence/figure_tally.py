"""The figures' counts, kept up to date in the transaction of each step that changes them.

A case counts under a few figures (its status, its closure, its procedure, its outcome with its domain and unit) and
each of its stages under one more (open, or ended with its length in working days), each step that ended late under
its group. Whatever changes such a row notes the facts it had and has; the net change goes to `figure_tally` with the
transaction: riding with the case row's UPDATE where a use case carries riders (PostgreSQL), else in one statement
just before the commit. So the counts never disagree with the rows they count, even when a process dies mid-step.
Rows are keyed by the month the case was filed in China Standard Time, the district's time, in which its periods
are asked (a period whose ends fall inside a month still counts right: those days are counted from the rows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.persistence import riders
from engine.persistence.models import OPEN_STATUSES, Case, CaseStage, table
from engine.persistence.stats_tables import FigureTally, LateStep, adding_to_tally

TALLY = table(FigureTally)
OUTCOMES = ("EXEMPT", "MITIGATE", "NOT_TOLERATED")
# Processes that are not cases of the procedure: the typical-case process works on the library, the prior filing
# process on a unit's decision filed in advance. The case figures leave them out (filings are counted on their own).
NOT_CASES = ("rcjc_typical_case", "rcjc_prior_filing")
# Joins the two values of a key (a unit and an outcome; a stage and its working days): no name contains it.
SEP = "\x1f"
# China Standard Time: UTC+8 all year (no daylight saving since 1991).
ZONE = timezone(timedelta(hours=8), "CST")
_KEY = "rcjc_figure_tally"
_AT_COMMIT = "rcjc_figure_tally_at_commit"
CHUNK = 1000
_OPEN = frozenset(str(s) for s in OPEN_STATUSES)

Fact = tuple[str, str]


def month_of(filed: datetime) -> date:
    """The tally's month of a case filed at `filed`: the first day of its month in China Standard Time."""
    at = filed.astimezone(ZONE)
    return date(at.year, at.month, 1)


def case_facts(process_id: str, status: str, outcome: str | None, closure: str | None, procedure: str | None,
               domain: str | None, unit: str | None) -> tuple[Fact, ...]:
    """The figures a case row counts under."""
    if process_id in NOT_CASES:
        return ()
    facts: list[Fact] = [("status", str(status)), ("procedure", procedure or "")]
    if str(status) not in _OPEN:
        facts.append(("closure", closure or str(status)))
    if outcome in OUTCOMES:
        facts += [("outcome", outcome), ("domain_outcome", f"{domain or ''}{SEP}{outcome}"),
                  ("unit_outcome", f"{unit or ''}{SEP}{outcome}")]
    return tuple(facts)


def stage_facts(stage: str, is_open: bool, working_days: int | None) -> tuple[Fact, ...]:
    """The figures a stage row counts under: open, or ended with a length (a stage ended by termination has none)."""
    if stage in NOT_CASES:
        return ()
    if is_open:
        return (("stage_open", stage),)
    return (("stage_days", f"{stage}{SEP}{working_days}"),) if working_days is not None else ()


def late_facts(stage: str, group_key: str) -> tuple[Fact, ...]:
    """The figures a step that ended after its due date counts under: late, by its group."""
    return () if stage in NOT_CASES else (("late", group_key),)


def change(session: Session, month: date, before: Iterable[Fact], after: Iterable[Fact]) -> None:
    """Note that something filed in `month` counted under `before` and now counts under `after`."""
    before, after = tuple(before), tuple(after)
    if before == after:
        return
    pending: Counter[tuple[date, str, str]] = session.info.setdefault(_KEY, Counter())
    for kind, key in before:
        pending[(month, kind, key)] -= 1
    for kind, key in after:
        pending[(month, kind, key)] += 1


def at_commit(session: Session) -> None:
    """Keep this transaction's changes for one statement just before its commit, even where they could ride.

    For a transaction of many steps (a worker's batch of timers): every step changes the same few rows, and a
    change that rode with the first step would hold their locks until the last, keeping other workers waiting.
    """
    session.info[_AT_COMMIT] = True


def ride(session: Session) -> None:
    """Hand the changes noted so far to the statement about to write the case row, where one carries its step's
    other rows (PostgreSQL, persistence/riders)."""
    if session.info.get(_AT_COMMIT):
        return
    pending: Counter[tuple[date, str, str]] | None = session.info.get(_KEY)
    if pending and riders.queue_tally(session, _rows(pending)):
        del session.info[_KEY]


def flush(session: Session) -> None:
    """Write the noted changes, in one statement (done by itself just before the session commits)."""
    session.info.pop(_AT_COMMIT, None)  # for this transaction only
    pending: Counter[tuple[date, str, str]] | None = session.info.pop(_KEY, None)
    if pending:
        add(session.connection(), pending)


def _rows(counts: Counter[tuple[date, str, str]]) -> list[dict[str, Any]]:
    # In key order: concurrent steps then lock the rows they share in the same order, and never deadlock on them.
    return [{"month": m, "kind": k, "key": v, "n": n} for (m, k, v), n in sorted(counts.items()) if n]


def add(conn: Connection, counts: Counter[tuple[date, str, str]]) -> None:
    """Add counts to the tally, a thousand rows to a statement (the databases bound a statement's parameters)."""
    rows = _rows(counts)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), CHUNK):
        conn.execute(adding_to_tally(dialect.insert(TALLY).values(rows[start:start + CHUNK])))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    flush(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    # What a failed step noted never happened.
    session.info.pop(_KEY, None)
    session.info.pop(_AT_COMMIT, None)


def recount(conn: Connection) -> Counter[tuple[date, str, str]]:
    """The tally as the case and stage rows give it, counted from scratch."""
    counts: Counter[tuple[date, str, str]] = Counter()
    for row in _stream(conn, select(Case.created_at, Case.process_id, Case.status, Case.outcome, Case.closure,
                                    Case.procedure, Case.domain, Case.unit)):
        for kind, key in case_facts(*row[1:]):
            counts[(month_of(row[0]), kind, key)] += 1
    stages = select(Case.created_at, CaseStage.stage, CaseStage.ended_at.is_(None), CaseStage.working_days).join(
        Case, Case.id == CaseStage.case_id)
    for filed, stage, is_open, days in _stream(conn, stages):
        for kind, key in stage_facts(stage, bool(is_open), days):
            counts[(month_of(filed), kind, key)] += 1
    late = select(Case.created_at, LateStep.stage, LateStep.group_key).join(Case, Case.id == LateStep.case_id)
    for filed, stage, group_key in _stream(conn, late):
        for kind, key in late_facts(stage, group_key):
            counts[(month_of(filed), kind, key)] += 1
    return counts


def stored(conn: Connection) -> Counter[tuple[date, str, str]]:
    """The tally as it is stored (rows counting nothing left out)."""
    return Counter({(m, k, v): n for m, k, v, n in conn.execute(select(TALLY).where(TALLY.c.n != 0))})


def rebuild(conn: Connection) -> None:
    """Count the tally again from the rows (after a bulk load that wrote rows without it)."""
    conn.execute(TALLY.delete())
    add(conn, recount(conn))


def differences(conn: Connection) -> list[tuple[date, str, str, int, int]]:
    """Where the stored tally and a recount disagree: month, kind, key, stored, counted."""
    have, want = stored(conn), recount(conn)
    return [(*k, have[k], want[k]) for k in sorted(set(have) | set(want)) if have[k] != want[k]]


def _stream(conn: Connection, statement: Any) -> Iterator[Any]:
    yield from conn.execute(statement.execution_options(yield_per=5000))
