"""`rcjc backup` and `rcjc restore` on a running system: a restore brings back exactly the backed-up state (cases,
open tasks, a verifying audit trail), refuses files that are not backups, and SQLite backs up while others write."""

from __future__ import annotations

import glob
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, func, make_url, select, text

from engine.access.policy import Actor
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.persistence import backup as backup_module
from engine.persistence import schema
from engine.persistence.audit_verify import verify
from engine.persistence.backup import BackupError, backup, restore
from engine.persistence.models import AuditEvent, Case, TaskIndex
from tests.support.clock import FrozenClock
from tests.support.context import BACKENDS, TEST_AUDIT_KEY
from tests.support.driver import apply
from tests.support.transports import ServiceTransport
from webapp.cli import main

State = tuple[list[int], list[tuple[int, str, str]], int]


@pytest.fixture
def system(deployed: EngineContext) -> EngineContext:
    """The deployed test database, recorded at the newest schema revision (it is built from the models)."""
    config = schema.alembic_config()
    with deployed.db.begin() as connection:
        config.attributes["connection"] = connection
        command.stamp(config, "head")
    return deployed


def _state(ctx: EngineContext) -> State:
    """The cases, their open tasks and the number of audit events."""
    with ctx.sessions() as session:
        cases = sorted(session.scalars(select(Case.id)))
        tasks = sorted((t.case_id, t.bpmn_id, t.id) for t in session.scalars(select(TaskIndex)))
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return cases, tasks, events


def _verified(ctx: EngineContext) -> int:
    """The number of audit chains, all of which verify."""
    with ctx.sessions() as session:
        reports = verify(session)
    assert reports and all(r.ok for r in reports), [p for r in reports for p in r.problems]
    return len(reports)


def _set_revision(ctx: EngineContext, revision: str) -> None:
    with ctx.db.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_restore_brings_back_the_backed_up_state(system: EngineContext, people: dict[str, Actor],
                                                 tmp_path: Path) -> None:
    via = ServiceTransport(system, people)
    first = apply(via)
    first.accept()  # a task completed: the case moved on to triage
    second = apply(via, matter="农村道路建设项目提前开工")
    saved = _state(system)
    chains = _verified(system)

    written = backup(system.db, tmp_path / "rcjc.backup")
    assert written.revision == schema.head_revision() and written.size > 0 and written.path.is_file()

    later = apply(via, matter="后来的申请")
    first.triage("simple")
    assert _state(system) != saved

    restored = restore(system.db, written.path)
    assert restored.revision == schema.head_revision() and restored.upgraded_from is None
    assert _state(system) == saved
    cases, _, _ = _state(system)
    assert later.case_id not in cases
    assert {first.case_id, second.case_id} <= set(cases) and len(cases) == 2
    assert first.open_ids() == ["triage"] and second.open_ids() == ["acceptance_review"]
    assert _verified(system) == chains

    # The restored system carries on.
    first.triage("simple")
    apply(via, matter="恢复后的申请")
    _verified(system)


def test_restore_refuses_a_file_that_is_not_a_backup(system: EngineContext, people: dict[str, Actor],
                                                      tmp_path: Path) -> None:
    apply(ServiceTransport(system, people))
    saved = _state(system)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n" * 200, encoding="utf-8")
    with pytest.raises(BackupError, match=r"notes\.txt: not an? (rcjc SQLite database|PostgreSQL backup)"):
        restore(system.db, junk)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.close()
    with pytest.raises(BackupError, match=r"other\.sqlite3: not an? (rcjc SQLite database|PostgreSQL backup)"):
        restore(system.db, other)
    assert _state(system) == saved
    _verified(system)


def test_restore_refuses_a_backup_of_a_newer_schema(system: EngineContext, people: dict[str, Actor],
                                                    tmp_path: Path) -> None:
    via = ServiceTransport(system, people)
    apply(via)
    _set_revision(system, "9999_from_the_future")
    future = backup(system.db, tmp_path / "future.backup")
    assert future.revision == "9999_from_the_future"
    _set_revision(system, schema.head_revision() or "")
    apply(via, matter="后来的申请")
    saved = _state(system)
    with pytest.raises(BackupError, match="schema revision 9999_from_the_future is unknown"):
        restore(system.db, future.path)
    assert _state(system) == saved


def test_backup_refuses_a_database_without_a_schema_revision(deployed: EngineContext, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no alembic_version table|not an rcjc"):
        backup(deployed.db, tmp_path / "rcjc.backup")
    assert not (tmp_path / "rcjc.backup").exists()


def test_cli_backup_and_restore(cli: CliRunner, system: EngineContext, people: dict[str, Actor],
                                tmp_path: Path) -> None:
    via = ServiceTransport(system, people)
    run = apply(via)
    saved = _state(system)
    path = tmp_path / "nightly.backup"
    written = cli.invoke(main, ["backup", str(path)])
    assert written.exit_code == 0, written.output
    assert f"backup written: {path} ({path.stat().st_size} bytes, schema revision {schema.head_revision()})" \
        in written.output

    later = apply(via, matter="后来的申请")
    declined = cli.invoke(main, ["restore", str(path)], input="n\n")
    assert declined.exit_code == 1 and "Aborted" in declined.output
    assert later.case_id in _state(system)[0]

    restored = cli.invoke(main, ["restore", str(path)], input="y\n")
    assert restored.exit_code == 0, restored.output
    assert f"restored: {path} ({path.stat().st_size} bytes)" in restored.output
    assert f"schema revision {schema.head_revision()}" in restored.output
    # The test's own connections (a running system's) see the restored database.
    assert _state(system) == saved and run.open_ids() == ["acceptance_review"]
    _verified(system)
    assert cli.invoke(main, ["audit", "verify"]).exit_code == 0

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"\x00garbage" * 100)
    refused = cli.invoke(main, ["restore", "--yes", str(junk)])
    assert refused.exit_code == 1 and "junk.backup: not a" in refused.output
    assert _state(system) == saved
    again = cli.invoke(main, ["restore", "--yes", str(path)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_backup_while_another_thread_writes(system: EngineContext, people: dict[str, Actor], db_url: str,
                                                   clock: FrozenClock, tmp_path: Path) -> None:
    via = ServiceTransport(system, people)
    apply(via)
    failures: list[BaseException] = []
    started: list[int] = []

    def write() -> None:
        try:
            for n in range(6):
                started.append(apply(via, matter=f"并发申请{n}").case_id)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    copies = []
    while writer.is_alive() or not copies:
        copies.append(backup(system.db, tmp_path / f"copy{len(copies)}.backup"))
    writer.join()
    assert not failures, failures
    assert len(started) == 6
    for copy in copies:
        copied = EngineContext.create(f"sqlite:///{copy.path}", EngineConfig(), clock, TEST_AUDIT_KEY)
        try:
            cases, tasks, _ = _state(copied)
            assert 1 <= len(cases) <= 7
            # Each copied case is whole: its open task came with it.
            assert {case for case, _, _ in tasks} == set(cases)
            _verified(copied)
        finally:
            copied.db.dispose()
    # A copy taken after the writer finished holds every case.
    final = backup(system.db, tmp_path / "final.backup")
    restore(system.db, final.path)
    assert len(_state(system)[0]) == 7
    _verified(system)


def test_pg_programs_are_found_off_path_or_reported_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)
    if glob.glob(f"{backup_module.PG_BIN_GLOB}/pg_dump"):
        assert backup_module.pg_program("pg_dump").startswith(backup_module.PG_BIN_GLOB.split("*")[0])
    monkeypatch.setattr(backup_module, "PG_BIN_GLOB", "/nonexistent/*/bin")
    with pytest.raises(BackupError, match="pg_dump not found"):
        backup_module.pg_program("pg_dump")


@pytest.mark.parametrize("db_url", [b for b in BACKENDS if b == "postgresql"], indirect=True)
def test_a_failing_pg_dump_reports_its_last_error_line(db_url: str, tmp_path: Path) -> None:
    missing = make_url(db_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database="rcjc_no_such_db")
    engine = create_engine(missing)
    try:
        with pytest.raises(BackupError, match=r'pg_dump failed \(exit 1\): .*"rcjc_no_such_db" does not exist'):
            backup(engine, tmp_path / "rcjc.backup")
    finally:
        engine.dispose()
    assert not list(tmp_path.iterdir())
