"""A database in use for migration tests: initialized with the demo users and one case filed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from click.testing import CliRunner
from sqlalchemy import Connection

from engine.access import users
from engine.clock import SystemClock
from engine.context import EngineContext
from engine.persistence.schema import alembic_config
from engine.procedure import services
from tests.support.context import make_context
from tests.support.driver import APPLICATION
from webapp.cli import main


@contextmanager
def in_use_with_a_case(cli: CliRunner, db_url: str) -> Iterator[tuple[EngineContext, int]]:
    """`rcjc init --demo`, then the demo applicant files the standard application; the context and the case."""
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    live = make_context(db_url, SystemClock())
    try:
        with live.sessions() as s:
            applicant = users.actor_for(s, "applicant")
        yield live, services.start_case(live, applicant, "rcjc_case", "application", APPLICATION).case_id
    finally:
        live.db.dispose()


@contextmanager
def downgraded(live: EngineContext, revision: str) -> Iterator[Connection]:
    """The database taken back to `revision`, in a transaction the caller may write old rows in."""
    config = alembic_config()
    with live.db.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        yield conn
