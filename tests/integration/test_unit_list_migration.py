"""Revision 0021 on a database in use: every unit a user or a case names goes on the list; nobody must change a password;
nobody loses a group."""

from __future__ import annotations

from alembic import command
from click.testing import CliRunner
from sqlalchemy import inspect, select

from engine.access import users
from engine.access.demo_users import DEMO_USERS
from engine.clock import SystemClock
from engine.persistence.models import Unit, User
from engine.persistence.schema import alembic_config
from engine.procedure import services
from tests.support.context import make_context
from tests.support.driver import APPLICATION
from webapp.cli import main


def test_upgrading_lists_the_units_already_in_use(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    live = make_context(db_url, SystemClock())
    try:
        with live.sessions() as s:
            demo_units = {unit for _, _, unit, _, _ in DEMO_USERS if unit}
            assert set(s.scalars(select(Unit.name))) == demo_units  # `init --demo` lists the demo users' units
            applicant = users.actor_for(s, "applicant")
        services.start_case(live, applicant, "rcjc_case", "application", APPLICATION)
        config = alembic_config()
        with live.db.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0020")
            assert "unit" not in inspect(conn).get_table_names()
            conn.exec_driver_sql("UPDATE app_user SET unit = '区审计局' WHERE username = 'owner'")
            conn.exec_driver_sql("UPDATE \"case\" SET unit = '区教育局'")  # a unit no user belongs to any more
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        with live.sessions() as s:
            assert set(s.scalars(select(Unit.name).where(Unit.active.is_(True)))) == demo_units | {"区审计局", "区教育局"}
            assert not any(s.scalars(select(User.must_change_password)))
            # Down and up again, every user keeps their groups (a table rebuild on SQLite would cascade them away).
            assert {name: set(users.actor_for(s, name).groups) for name, *_ in DEMO_USERS} == \
                   {name: set(groups) for name, groups, *_ in DEMO_USERS}
    finally:
        live.db.dispose()
