"""The register of document numbers on SQLite and PostgreSQL: per kind and year, gapless, safe under concurrent issuers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, select

from engine.clock import SystemClock
from engine.context import EngineContext
from engine.errors import NotFound
from engine.persistence.db import Base
from engine.persistence.models import DocumentCounter
from engine.persistence.schema import alembic_config
from engine.persistence.uow import UnitOfWork
from engine.procedure.document_numbers import IssuedNumber, issue_number, next_number
from tests.support.clock import FrozenClock
from tests.support.context import make_context
from webapp.cli import main

ISSUERS = 8
EACH = 25


class Abandoned(Exception):
    """The issue failed after its number was taken."""


def _take(ctx: EngineContext, kind: str, year: int, commit: bool = True) -> IssuedNumber:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        number = next_number(uow.session, ctx.config, kind, year)
        if commit:
            uow.commit()
        return number


def test_numbers_run_per_kind_and_year(ctx: EngineContext) -> None:
    taken = [_take(ctx, kind, year) for kind, year in [
        ("ruling_letter", 2026), ("ruling_letter", 2026), ("acceptance_notice", 2026), ("ruling_letter", 2027),
        ("ruling_letter", 2026), ("acceptance_notice", 2027), ("acceptance_notice", 2026)]]
    assert [n.text for n in taken] == ["X纪容裁〔2026〕1号", "X纪容裁〔2026〕2号", "X纪容受〔2026〕1号", "X纪容裁〔2027〕1号",
                                       "X纪容裁〔2026〕3号", "X纪容受〔2027〕1号", "X纪容受〔2026〕2号"]
    assert taken[3] == IssuedNumber("ruling_letter", 2027, 1, "X纪容裁〔2027〕1号")


def test_a_rolled_back_issue_gives_its_number_back(ctx: EngineContext) -> None:
    assert _take(ctx, "ruling_letter", 2026).seq == 1
    with pytest.raises(Abandoned), UnitOfWork(ctx.sessions, ctx.clock) as uow:
        assert next_number(uow.session, ctx.config, "ruling_letter", 2026).seq == 2
        assert next_number(uow.session, ctx.config, "feedback_notice", 2026).seq == 1
        raise Abandoned
    assert _take(ctx, "ruling_letter", 2026, commit=False).seq == 2  # left uncommitted: rolled back as well
    assert _take(ctx, "ruling_letter", 2026).seq == 2
    assert _take(ctx, "feedback_notice", 2026).seq == 1


def test_an_unknown_kind_takes_no_number(ctx: EngineContext) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow, pytest.raises(NotFound, match="文号格式"):
        next_number(uow.session, ctx.config, "memo", 2026)
    with ctx.sessions() as s:
        assert s.scalars(select(DocumentCounter)).all() == []


def test_a_document_is_numbered_in_the_year_of_its_issue_in_the_configured_time_zone(
        ctx: EngineContext, clock: FrozenClock) -> None:
    clock.move_to(datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 in Beijing
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        last = issue_number(uow, ctx.config, "ruling_letter")
        uow.commit()
    clock.move_to(datetime(2026, 12, 31, 16, 1, tzinfo=UTC))  # 00:01 on New Year's Day in Beijing
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        first = issue_number(uow, ctx.config, "ruling_letter")
        uow.commit()
    assert (last.text, first.text) == ("X纪容裁〔2026〕1号", "X纪容裁〔2027〕1号")


def test_a_second_issuer_waits_for_the_first_and_takes_the_number_it_rolled_back(ctx: EngineContext) -> None:
    taken: list[int] = []
    done = threading.Event()

    def second() -> None:
        taken.append(_take(ctx, "ruling_letter", 2026).seq)
        done.set()

    with UnitOfWork(ctx.sessions, ctx.clock) as first:
        assert next_number(first.session, ctx.config, "ruling_letter", 2026).seq == 1
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(second)
            assert not done.wait(0.5)  # held by the first issuer's transaction
            first.session.rollback()
            waiting.result(timeout=30)
    assert taken == [1]


def test_eight_concurrent_issuers_take_every_number_once(ctx: EngineContext) -> None:
    start = threading.Barrier(ISSUERS)

    def issuer(index: int) -> list[int]:
        start.wait(timeout=30)
        kept = []
        for turn in range(EACH):
            if (index + turn) % 5 == 0:
                _take(ctx, "ruling_letter", 2026, commit=False)  # an issue that fails after taking its number
            kept.append(_take(ctx, "ruling_letter", 2026).seq)
        return kept

    with ThreadPoolExecutor(ISSUERS) as pool:
        runs = [f.result(timeout=120) for f in [pool.submit(issuer, i) for i in range(ISSUERS)]]
    assert sorted(n for run in runs for n in run) == list(range(1, ISSUERS * EACH + 1))
    assert all(run == sorted(run) for run in runs)  # each issuer's numbers grow
    with ctx.sessions() as s:
        assert s.scalars(select(DocumentCounter.seq)).one() == ISSUERS * EACH


def test_the_migration_creates_the_register(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init"]).exit_code == 0
    live = make_context(db_url, SystemClock())
    try:
        config = alembic_config()
        with live.db.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
            assert "document_counter" not in inspect(conn).get_table_names()
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        with live.db.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        live.db.dispose()
