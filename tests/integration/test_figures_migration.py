"""Revision 0012 on a database in use: cases filed before it get their domain and procedure from their stored state,
and their open stages from the task index, so that the figures count them."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, select

from engine.access import users
from engine.clock import SystemClock
from engine.persistence.db import Base
from engine.persistence.models import Case, CaseStage
from engine.persistence.schema import alembic_config
from engine.procedure import services
from tests.support.context import make_context
from tests.support.driver import APPLICATION, CaseRun
from tests.support.transports import ServiceTransport
from webapp.cli import main


def test_upgrading_fills_in_the_figures_of_cases_already_filed(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    live = make_context(db_url, SystemClock())
    try:
        with live.sessions() as s:
            people = {name: users.actor_for(s, name) for name in ("applicant", "intake")}
        via = ServiceTransport(live, people)
        simple = CaseRun(via, services.start_case(live, people["applicant"], "rcjc_case", "application",
                                                  {**APPLICATION, "domain": "talent_work"}).case_id)
        simple.accept()
        simple.triage("simple")
        fresh = services.start_case(live, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
        config = alembic_config()
        with live.db.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0011")
            assert "case_stage" not in inspect(conn).get_table_names()
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        with live.db.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with live.sessions() as s:
            found = {c.id: (c.domain, c.procedure) for c in s.scalars(select(Case))}
            assert found == {simple.case_id: ("talent_work", "simple"), fresh: ("investment_promotion", None)}
            stages = {(st.case_id, st.stage, st.ended_at) for st in s.scalars(select(CaseStage))}
            assert stages == {(simple.case_id, "rcjc_simple_review", None), (fresh, "rcjc_acceptance", None)}
    finally:
        live.db.dispose()
