"""The `rcjc` command line on a real database: init, users, validate, deploy, worker, audit verify."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, select, text

from engine.persistence.db import Base
from engine.persistence.models import AuditEvent, User
from tests.support.bpmn import FIXTURES
from webapp.cli import main


def _engine(db_url: str):  # type: ignore[no-untyped-def]
    return create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))


def test_init_creates_the_schema_deploys_once_and_adds_demo_users(cli: CliRunner, db_url: str) -> None:
    first = cli.invoke(main, ["init", "--demo"])
    assert first.exit_code == 0, first.output
    assert "processes deployed" in first.output and "rcjc_case v1" in first.output
    again = cli.invoke(main, ["init", "--demo"])
    assert again.exit_code == 0 and "processes unchanged" in again.output and "rcjc_case v1" in again.output
    engine = _engine(db_url)
    with engine.connect() as conn:
        names = set(conn.scalars(select(User.username)))
        # The migrations produce exactly the tables and columns the models declare.
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert {"applicant", "intake", "chair", "committee1", "supervisor", "owner"} <= names
    assert diff == []


def test_users_add_reads_the_password_from_stdin(cli: CliRunner) -> None:
    assert cli.invoke(main, ["init"]).exit_code == 0
    added = cli.invoke(main, ["users", "add", "wang", "--group", "intake", "--unit", "区纪委"], input="Quiet-Harbor-Lamp-93\n")
    assert added.exit_code == 0, added.output
    dup = cli.invoke(main, ["users", "add", "wang", "--group", "intake"], input="Quiet-Harbor-Lamp-93\n")
    assert dup.exit_code != 0 and "已存在" in dup.output
    bad = cli.invoke(main, ["users", "add", "li", "--group", "nobody"], input="Quiet-Harbor-Lamp-93\n")
    assert bad.exit_code != 0 and "nobody" in bad.output


def test_validate_names_file_and_line(cli: CliRunner, tmp_path: Path) -> None:
    bpmn = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8").replace("SCRIPT", "import os")
    bad = tmp_path / "mini.bpmn"
    bad.write_text(bpmn, encoding="utf-8")
    result = cli.invoke(main, ["validate", str(bad), str(FIXTURES / "mini" / "mini_start.json"),
                               str(FIXTURES / "mini" / "mini_review.json")])
    assert result.exit_code == 1
    line = next(i for i, text_ in enumerate(bpmn.splitlines(), start=1) if "import os" in text_)
    assert f"{bad}:{line}:" in result.output
    good = cli.invoke(main, ["validate", str(FIXTURES / "mini")])
    assert good.exit_code == 0, good.output


def test_audit_verify_fails_after_an_audit_row_is_edited(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init"]).exit_code == 0
    assert cli.invoke(main, ["deploy", str(FIXTURES / "mini")]).exit_code == 0
    assert cli.invoke(main, ["audit", "verify"]).exit_code == 0
    engine = _engine(db_url)
    with engine.begin() as conn:
        row_id = conn.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": row_id})
    engine.dispose()
    result = cli.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "does not match" in result.output


def test_worker_once_runs_a_sweep(cli: CliRunner) -> None:
    assert cli.invoke(main, ["init"]).exit_code == 0
    result = cli.invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output


def test_validate_checks_one_process_file_with_the_forms_and_decisions_beside_it(cli: CliRunner, tmp_path: Path) -> None:
    shipped = FIXTURES.parents[1]
    processes, forms = tmp_path / "processes", tmp_path / "forms"
    shutil.copytree(shipped / "processes", processes)
    shutil.copytree(shipped / "forms", forms)
    alone = cli.invoke(main, ["validate", str(processes / "rcjc_triage.bpmn")])
    assert alone.exit_code == 0 and "1 files OK" in alone.output, alone.output
    # A broken file beside it is not this file's problem; a form this file needs that is nowhere is.
    (processes / "rcjc_appeal.bpmn").write_text("<not bpmn", encoding="utf-8")
    assert cli.invoke(main, ["validate", str(processes / "rcjc_triage.bpmn")]).exit_code == 0
    (forms / "triage.json").unlink()
    missing = cli.invoke(main, ["validate", str(processes / "rcjc_triage.bpmn")])
    assert missing.exit_code == 1 and "rcjc_triage.bpmn:" in missing.output and "triage" in missing.output
