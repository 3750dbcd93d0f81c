"""The figures' tally: kept by every kind of step in the step's own transaction, equal to a recount of the rows;
figures over any period give the same numbers as counting the rows; `rcjc check` finds a tally that disagrees and
mends it on request; and upgrading a database in use counts the cases already filed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import event, func, select, update

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence import figure_tally
from engine.persistence.figure_tally import SEP, TALLY, ZONE
from engine.procedure import repair
from engine.procedure.consistency import tally_problems
from engine.reading import figure_counts
from tests.support.clock import FrozenClock
from tests.support.driver import LOOKS_EXEMPT, apply, close_exempt_without_appeal
from tests.support.migrations import downgraded, in_use_with_a_case
from tests.support.transports import ServiceTransport
from webapp.cli import main


def cases_of_every_kind(deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock) -> None:
    """Filed in March and in April 2026: waiting, sent back for materials, in investigation, ruled, refused,
    terminated."""
    via = ServiceTransport(deployed, people)
    apply(via)
    ruled = apply(via, cadre_name="李华")
    close_exempt_without_appeal(ruled, LOOKS_EXEMPT)
    clock.advance(timedelta(days=40))
    supplemented = apply(via, cadre_name="王强")
    supplemented.do("intake", "acceptance_review", {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要",
                                                    "supplement_request": "请补充党组会议纪要"})
    supplemented.do("applicant", "supplement", {"supplement_materials": "已补充会议纪要"})
    investigating = apply(via, cadre_name="赵六", domain="talent_work")
    investigating.accept()
    investigating.triage("ordinary")
    refused = apply(via, cadre_name="钱七")
    refused.do("intake", "acceptance_review", {"acceptance": "refuse", "acceptance_reason": "不属于本机关管辖"})
    terminated = apply(via, cadre_name="孙八")
    terminated.accept()
    repair.terminate(deployed, people["supervisor"], terminated.case_id, "重复立案")


def test_every_kind_of_step_keeps_the_tally_equal_to_a_recount(deployed: EngineContext, people: dict[str, Actor],
                                                                clock: FrozenClock) -> None:
    cases_of_every_kind(deployed, people, clock)
    assert tally_problems(deployed) == []
    with deployed.sessions() as session:
        # With no period every count comes from the tally, which must equal counting the rows.
        assert figure_counts.counts(session, None, None) == figure_counts.from_rows(session, (None, None))
        counts = figure_counts.counts(session, None, None)
    assert counts[("status", "terminated")] == 1 and counts[("closure", "refused")] == 1
    assert counts[("domain_outcome", f"investment_promotion{SEP}EXEMPT")] == 1
    # The terminated case's open stage ended without a length: it is neither open nor among the lengths.
    assert counts[("stage_open", "rcjc_triage")] == 0 and counts[("stage_open", "rcjc_investigation")] == 1


def test_a_step_that_moves_a_case_on_writes_the_tally_in_one_statement(deployed: EngineContext,
                                                                       people: dict[str, Actor]) -> None:
    run = apply(ServiceTransport(deployed, people))
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(deployed.db, "before_cursor_execute", seen)
    try:
        run.accept()  # acceptance ends and triage begins
    finally:
        event.remove(deployed.db, "before_cursor_execute", seen)
    [tallied] = [s for s in statements if "figure_tally" in s]
    # On PostgreSQL it rides with the case row's UPDATE, as the step's audit events do.
    assert ('UPDATE "case"' in tallied) == (deployed.db.dialect.name == "postgresql")
    assert tally_problems(deployed) == []
    with deployed.sessions() as session:
        counts = figure_counts.counts(session, None, None)
    assert counts[("stage_open", "rcjc_triage")] == 1 and counts[("stage_open", "rcjc_acceptance")] == 0


def test_any_period_counts_what_the_rows_count(deployed: EngineContext, people: dict[str, Actor],
                                               clock: FrozenClock) -> None:
    cases_of_every_kind(deployed, people, clock)
    day = timedelta(days=1)
    # Months as the district asks them (the tally's own) and as UTC draws them (every end inside a month).
    march, april, may = (datetime(2026, m, 1, tzinfo=ZONE) for m in (3, 4, 5))
    utc_april = datetime(2026, 4, 1, tzinfo=UTC)
    periods = [(None, None), (march, may), (march, april), (april, None), (None, april), (march + day, may - day),
               (march + 2 * day, april + 20 * day), (april + 5 * day, april + 25 * day), (march - 40 * day, march),
               (utc_april, None), (None, utc_april), (utc_april - 3 * day, utc_april + 3 * day)]
    with deployed.sessions() as session:
        for low, high in periods:
            assert figure_counts.counts(session, low, high) == +figure_counts.from_rows(session, (low, high)), (low, high)
        whole = figure_counts.counts(session, None, None)
        split = figure_counts.counts(session, None, april + 3 * day) + figure_counts.counts(session, april + 3 * day, None)
    assert whole == split and whole[("status", "running")] == 3


def test_rcjc_check_reports_a_tally_that_disagrees_and_recounts_it(deployed: EngineContext, people: dict[str, Actor],
                                                                    cli: CliRunner) -> None:
    via = ServiceTransport(deployed, people)
    apply(via)
    apply(via, cadre_name="李华")
    assert cli.invoke(main, ["check"]).output.endswith("figure tally: 0 difference(s)\n")
    with deployed.db.begin() as conn:
        conn.execute(update(TALLY).where(TALLY.c.kind == "status", TALLY.c.key == "running").values(n=7))
    broken = cli.invoke(main, ["check"])
    assert broken.exit_code == 1
    assert "figure tally 2026-03 status running: stored 7, counted 2" in broken.output
    assert "2 case(s) checked, 0 with problems" in broken.output
    mended = cli.invoke(main, ["check", "--recount-figures"])
    assert mended.exit_code == 0 and "figure tally recounted" in mended.output
    assert tally_problems(deployed) == []


def test_a_recount_as_large_as_a_province_goes_in_statements_the_database_accepts(deployed: EngineContext) -> None:
    # 25,000 rows of four values each: more parameters than PostgreSQL takes in one statement.
    many = Counter({(date(2020, 1, 1), "closure", f"closure {i}"): 1 for i in range(25_000)})
    with deployed.db.begin() as conn:
        figure_tally.add(conn, many)
        figure_tally.add(conn, many)
        assert conn.execute(select(func.count(), func.sum(TALLY.c.n)).where(TALLY.c.kind == "closure")).one() == (25_000, 50_000)


def test_upgrading_counts_the_cases_already_filed(cli: CliRunner, db_url: str) -> None:
    with in_use_with_a_case(cli, db_url) as (live, _case_id):
        with downgraded(live, "0023") as conn:
            assert not conn.dialect.has_table(conn, "figure_tally")
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        assert tally_problems(live) == []
        with live.sessions() as session:
            counts = figure_counts.counts(session, None, None)
        assert counts[("status", "running")] == 1 and counts[("stage_open", "rcjc_acceptance")] == 1
