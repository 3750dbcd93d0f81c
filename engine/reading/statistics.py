"""The district's figures (procedure.md, "Figures the district reports") over a period, a unit and a domain.

Cases count by the day they were filed; rulings and clarifications by the day they were decided. Everything is
counted from what the save path keeps: the figures' tally for whole months of filing (reading/figure_counts.py),
and in SQL the columns of the rest (the case's status, outcome, domain and procedure; its stages with their
lengths in working days; the steps that ended late), so a figure never replays a case's history. Working-day
lengths are grouped by value and their average and 90th percentile (nearest rank) are taken from that histogram,
which is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, extract, func, select
from sqlalchemy.orm import Session

from engine.access.policy import SUPERVISOR, UNIT_SCOPED, Actor
from engine.context import EngineContext
from engine.errors import Forbidden
from engine.persistence.figure_tally import NOT_CASES, OUTCOMES, SEP, Fact
from engine.persistence.models import CadreRecord, Case, FilingCitation, PriorFiling, TaskIndex
from engine.reading import figure_counts, figure_words

# Who reads the district's figures; a unit-scoped member reads its own unit's only.
READERS = frozenset({SUPERVISOR, "org_dept", "committee_chair"})
FILING_COLUMNS = ("filed", "registered", "declined", "reports", "late_reports", "drifts", "cited")
# The key of a row for rulings that do not say.
UNKNOWN = ""


@dataclass(frozen=True)
class FigureQuery:
    """The cases counted: filed (or decided) in [since, until], of one unit and one domain when given."""

    since: date | None = None
    until: date | None = None
    unit: str = ""
    domain: str = ""


@dataclass
class Table:
    """One table of figures: its rows, each with a key, a label (None where the reader's language gives it) and
    the numbers named by `columns`."""

    key: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)


def scope_for(actor: Actor, query: FigureQuery) -> FigureQuery:
    """The query the actor may ask: readers any, a unit-scoped member only its own unit. Raises: Forbidden."""
    if actor.in_any(READERS):
        return query
    if actor.in_any(UNIT_SCOPED) and actor.unit:
        if query.unit and query.unit != actor.unit:
            raise Forbidden("只能查看本单位的统计数据")
        return FigureQuery(query.since, query.until, actor.unit, query.domain)
    raise Forbidden("只有监督人员、组织部干部监督和裁定委员会主任可以查看统计数据")


def _bounds(ctx: EngineContext, query: FigureQuery) -> tuple[datetime | None, datetime | None]:
    tz = ctx.calendar.tz
    low = datetime.combine(query.since, time(), tzinfo=tz) if query.since else None
    high = datetime.combine(query.until + timedelta(days=1), time(), tzinfo=tz) if query.until else None
    return low, high


def _case_where(ctx: EngineContext, query: FigureQuery, by_filing: bool = True) -> list[ColumnElement[bool]]:
    return figure_counts.case_where(_bounds(ctx, query) if by_filing else (None, None), query.unit, query.domain)


def _rows(counts: Iterable[tuple[str, int]], labels: dict[str, str], column: str = "cases") -> list[dict[str, Any]]:
    return [{"key": k, "label": labels.get(k), column: n} for k, n in counts]


def _of(counts: Counter[Fact], kind: str) -> Counter[str]:
    return Counter({key: n for (k, key), n in counts.items() if k == kind})


def _by_outcome(counts: Counter[Fact], kind: str) -> dict[str, Counter[str]]:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for key, n in _of(counts, kind).items():
        value, _, outcome = key.rpartition(SEP)
        groups[value][outcome] += n
    return groups


def _tolerance(groups: dict[str, Counter[str]], labels: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(groups, key=lambda k: (-sum(groups[k].values()), k)):
        c = groups[key]
        ruled = sum(c.values())
        rate = round(100 * (c["EXEMPT"] + c["MITIGATE"]) / ruled, 1)
        rows.append({"key": key, "label": labels.get(key, key or None), "ruled": ruled, "exempt": c["EXEMPT"],
                     "mitigate": c["MITIGATE"], "not_tolerated": c["NOT_TOLERATED"], "rate": rate})
    return rows


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda r: (-r[1], r[0]))


def _case_tables(counts: Counter[Fact], domains: dict[str, str]) -> list[Table]:
    """Tables of the cases: by status, outcome, closure and procedure, and tolerance rates by domain and unit."""
    outcome = _of(counts, "outcome")
    return [
        Table("status", ("cases",), _rows(sorted(_of(counts, "status").items()), {})),
        Table("outcome", ("cases",), _rows([(k, outcome[k]) for k in OUTCOMES if outcome[k]], {})),
        Table("closure", ("cases",), _rows(_by_count(_of(counts, "closure")), {})),
        Table("procedure", ("cases",), _rows(sorted(_of(counts, "procedure").items()), {})),
        Table("tolerance_by_domain", ("ruled", "exempt", "mitigate", "not_tolerated", "rate"),
              _tolerance(_by_outcome(counts, "domain_outcome"), domains)),
        Table("tolerance_by_unit", ("ruled", "exempt", "mitigate", "not_tolerated", "rate"),
              _tolerance(_by_outcome(counts, "unit_outcome"), {})),
    ]


def _joined(statement: Any, where: list[ColumnElement[bool]], case_id: Any) -> Any:
    """The statement narrowed to the counted cases (joined only when something narrows them)."""
    return statement.join(Case, Case.id == case_id).where(*where) if where else statement


def _percentile(histogram: dict[int, int], share: float) -> int:
    """The nearest-rank percentile of values given as {value: how many}."""
    rank, seen = math.ceil(share * sum(histogram.values())), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return 0


def _stage_tables(ctx: EngineContext, session: Session, query: FigureQuery, counts: Counter[Fact],
                  stages: dict[str, str], groups: dict[str, str]) -> list[Table]:
    where = _case_where(ctx, query)
    histograms: dict[str, dict[int, int]] = defaultdict(dict)
    for key, n in _of(counts, "stage_days").items():
        stage, _, days = key.rpartition(SEP)
        histograms[stage][int(days)] = n
    lengths = []
    for stage, h in histograms.items():
        total = sum(h.values())
        lengths.append({"key": stage, "label": stages.get(stage, stage), "stages": total,
                        "average": round(sum(d * n for d, n in h.items()) / total, 1), "p90": _percentile(h, 0.9)})
    late = _of(counts, "late")
    overdue = Counter[str]({g: n for g, n in session.execute(_joined(
        select(TaskIndex.group_key, func.count())
        .where(TaskIndex.due_at < ctx.clock.now(), TaskIndex.process_id.not_in(NOT_CASES)), where, TaskIndex.case_id)
        .group_by(TaskIndex.group_key))})
    late_rows = [{"key": g, "label": groups.get(g, g), "late": late[g], "overdue": overdue[g], "total": late[g] + overdue[g]}
                 for g in sorted(set(late) | set(overdue), key=lambda g: (-(late[g] + overdue[g]), g))]
    return [
        Table("stage", ("cases",), [{"key": s, "label": stages.get(s, s), "cases": n}
                                    for s, n in _by_count(_of(counts, "stage_open"))]),
        Table("stage_days", ("stages", "average", "p90"), sorted(lengths, key=lambda r: r["label"])),
        Table("late_by_group", ("late", "overdue", "total"), late_rows),
    ]


def _decision_tables(ctx: EngineContext, session: Session, query: FigureQuery) -> list[Table]:
    """Rulings per year and cadres cleared by clarification, by the day each was decided."""
    where = _case_where(ctx, query, by_filing=False)
    period: list[ColumnElement[bool]] = []
    if query.since:
        period.append(CadreRecord.decided_on >= query.since)
    if query.until:
        period.append(CadreRecord.decided_on <= query.until)
    # Counted per day (the index's order, no sort) and folded into years here: portable and quick.
    rulings: dict[int, Counter[str]] = defaultdict(Counter)
    for day, outcome, n in session.execute(_joined(
            select(CadreRecord.decided_on, CadreRecord.outcome, func.count()).where(CadreRecord.kind == "ruling", *period),
            where, CadreRecord.case_id).group_by(CadreRecord.decided_on, CadreRecord.outcome)):
        rulings[day.year][outcome or UNKNOWN] += n
    # A cadre cleared twice in a year counts once: distinct people per year, counted in SQL.
    year = extract("year", CadreRecord.decided_on).label("year")
    people = _joined(select(year, CadreRecord.cadre_name, CadreRecord.cadre_unit)
                     .where(CadreRecord.kind == "clarification", *period), where, CadreRecord.case_id).distinct().subquery()
    cleared = {int(y): n for y, n in session.execute(select(people.c.year, func.count()).group_by(people.c.year))}
    return [
        Table("rulings_by_year", ("rulings", "exempt", "mitigate", "not_tolerated"),
              [{"key": str(y), "label": f"{y}年", "rulings": sum(c.values()), "exempt": c["EXEMPT"],
                "mitigate": c["MITIGATE"], "not_tolerated": c["NOT_TOLERATED"]} for y, c in sorted(rulings.items())]),
        Table("clarified_by_year", ("cadres",),
              [{"key": str(y), "label": f"{y}年", "cadres": n} for y, n in sorted(cleared.items())]),
    ]


def _filing_tables(ctx: EngineContext, session: Session, query: FigureQuery) -> list[Table]:
    """Prior filings per year they were filed: filed, registered, declined, reports (late), drifts, cited by cases.

    Filings have no domain: with a domain asked the table stays empty rather than count every domain's filings.
    """
    if query.domain:
        return [Table("filings_by_year", FILING_COLUMNS)]
    where: list[ColumnElement[bool]] = []
    if query.unit:
        where.append(PriorFiling.unit == query.unit)
    low, high = _bounds(ctx, query)
    if low is not None:
        where.append(PriorFiling.filed_at >= low)
    if high is not None:
        where.append(PriorFiling.filed_at < high)
    year = extract("year", PriorFiling.filed_at).label("year")
    counted = session.execute(select(
        year, func.count(), func.count(PriorFiling.registered_at),
        func.sum(case((PriorFiling.status == "declined", 1), else_=0)), func.sum(PriorFiling.reports),
        func.sum(PriorFiling.late_reports), func.sum(PriorFiling.drifts),
    ).where(*where).group_by(year).order_by(year)).all()
    citing = select(year, func.count()).select_from(FilingCitation).join(PriorFiling, PriorFiling.id == FilingCitation.filing_id)
    cited = {int(y): n for y, n in session.execute(citing.where(*where).group_by(year))}
    return [Table("filings_by_year", FILING_COLUMNS, [
        {"key": str(int(y)), "label": f"{int(y)}年",
         **dict(zip(FILING_COLUMNS, [*map(int, numbers), cited.get(int(y), 0)], strict=True))}
        for y, *numbers in counted])]


def figures(ctx: EngineContext, session: Session, actor: Actor, query: FigureQuery) -> tuple[FigureQuery, list[Table]]:
    """Every table of figures for the query as the actor may ask it (the query actually used comes back).

    Raises: Forbidden.
    """
    query = scope_for(actor, query)
    stages, groups = figure_words.stage_names(session), figure_words.group_names(session)
    domains = figure_words.domain_names(ctx, session)
    low, high = _bounds(ctx, query)
    counts = figure_counts.counts(session, low, high, query.unit, query.domain)
    tables = _case_tables(counts, domains)
    tables += _stage_tables(ctx, session, query, counts, stages, groups)
    tables += _decision_tables(ctx, session, query)
    tables += _filing_tables(ctx, session, query)
    return query, tables
