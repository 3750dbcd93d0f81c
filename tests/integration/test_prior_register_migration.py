"""Revision 0006 on a database in use: rulings filed before it get the lookup's key and are found on the name."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, select

from engine.persistence.db import Base, UTCDateTime
from engine.persistence.models import Ruling
from engine.procedure.prior_match import Cadre
from engine.procedure.prior_rulings import find_prior
from tests.support.migrations import downgraded, in_use_with_a_case
from webapp.cli import main

LEGACY_RULING = sa.table(
    "ruling", sa.column("case_id", sa.Integer()), sa.column("kind", sa.String()), sa.column("cadre_name", sa.String()),
    sa.column("matter", sa.String()), sa.column("outcome", sa.String()), sa.column("decided_at", UTCDateTime()),
)


def test_upgrading_keys_the_rulings_already_filed(cli: CliRunner, db_url: str) -> None:
    with in_use_with_a_case(cli, db_url) as (live, case_id):
        with downgraded(live, "0005") as conn:
            assert "rectification_closure" not in inspect(conn).get_table_names()
            # Filed before 0006: the name with its white space folded, no unit, no identity number.
            conn.execute(sa.insert(LEGACY_RULING).values(
                case_id=case_id, kind="ruling", cadre_name="张 明", matter="产业园区招商政策先行先试", outcome="EXEMPT",
                decided_at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC)))
        upgraded = cli.invoke(main, ["init"])
        assert upgraded.exit_code == 0, upgraded.output
        with live.db.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with live.sessions() as s:
            ruling = s.scalars(select(Ruling)).one()
            assert (ruling.cadre_key, ruling.cadre_unit, ruling.cadre_id_number) == ("张明", None, None)
            # The unit was never recorded on the old ruling: the name alone decides.
            found = find_prior(s, Cadre.of("张明", "示例区发展和改革局"), "产业园区招商政策的先行先试", 0.6, "Asia/Shanghai")
            assert found is not None and (found.ruling_id, found.case_id) == (ruling.id, case_id)
            assert find_prior(s, Cadre.of("李华"), "产业园区招商政策先行先试", 0.6, "Asia/Shanghai") is None
