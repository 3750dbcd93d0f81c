"""Back up and restore the database of a running system: SQLite through its online backup API, PostgreSQL through
pg_dump and pg_restore; a restored database is checked to be at a schema revision this code knows."""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import URL, Engine

from engine.persistence import schema

# Where Debian and Ubuntu install the PostgreSQL client programs when no version is on PATH.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    """A written backup: its file, size in bytes and the schema revision it holds."""

    path: Path
    size: int
    revision: str


@dataclass(frozen=True)
class RestoreResult:
    """A restored database: the backup it came from, its size, the revision now in force and the one restored if
    it was upgraded."""

    path: Path
    size: int
    revision: str
    upgraded_from: str | None


def backup(engine: Engine, path: Path) -> BackupResult:
    """Write a consistent copy of the database at `engine` to `path`, while the system may be writing."""
    if engine.dialect.name == "sqlite":
        revision = _sqlite_backup(_sqlite_file(engine.url), path)
    elif engine.dialect.name == "postgresql":
        revision = _pg_backup(engine.url, path)
    else:
        raise BackupError(f"backup of {engine.dialect.name} databases is not supported")
    return BackupResult(path, path.stat().st_size, revision)


def restore(engine: Engine, path: Path) -> RestoreResult:
    """Replace the database at `engine` with the backup at `path` and bring it to the newest schema revision."""
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    if engine.dialect.name == "sqlite":
        restored = _sqlite_restore(_sqlite_file(engine.url), path)
    elif engine.dialect.name == "postgresql":
        restored = _pg_restore(engine, path)
    else:
        raise BackupError(f"restore of {engine.dialect.name} databases is not supported")
    engine.dispose()  # pooled connections may hold state of the database that was replaced
    with engine.connect() as connection:
        revision = schema.current_revision(connection)
    if revision != restored:
        raise BackupError(f"{path}: restored revision {restored}, but the database now reports {revision}")
    upgraded_from = None
    if revision != schema.head_revision():
        schema.upgrade(engine)
        upgraded_from, revision = revision, schema.head_revision()
    return RestoreResult(path, path.stat().st_size, revision or "", upgraded_from)


def _recorded(revision: str | None, source: object) -> str:
    """The schema revision read from alembic_version; refuses a database that records none."""
    if revision is None:
        raise BackupError(f"{source}: not an rcjc database (no schema revision in alembic_version; run rcjc init)")
    return revision


def check_revision(revision: str, source: object) -> str:
    """The revision, if it is one of this code's migrations (the head or older); refuses anything else."""
    try:
        known = ScriptDirectory.from_config(schema.alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(f"{source}: schema revision {revision} is unknown to this version of rcjc "
                          f"(newest known: {schema.head_revision()}); restore it with the rcjc it was made by")
    return revision


# SQLite ---------------------------------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    """The database file of a SQLite URL; in-memory databases have none."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"{url}: only a SQLite database in a file can be backed up or restored")
    return Path(url.database)


def _sqlite_connect(path: Path, mode: str) -> sqlite3.Connection:
    """A driver connection to the file at `path` in `mode` (ro, rw, rwc) that waits for locks."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _sqlite_revision(conn: sqlite3.Connection, source: object) -> str:
    """The schema revision recorded in an rcjc SQLite database; refuses other files."""
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        check = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise BackupError(f"{source}: not an rcjc SQLite database (it has no alembic_version table)") from exc
        raise BackupError(f"{source}: not an rcjc SQLite database ({exc})") from exc
    if check is None or check[0] != "ok":
        raise BackupError(f"{source}: damaged SQLite database ({check[0] if check else 'no quick_check answer'})")
    if len(rows) > 1:
        raise BackupError(f"{source}: several schema revisions in alembic_version: {', '.join(r[0] for r in rows)}")
    return _recorded(rows[0][0] if rows else None, source)


@contextmanager
def _spare_file(path: Path) -> Iterator[Path]:
    """A temporary file next to `path`, removed unless it was moved into place."""
    spare = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        yield spare
    finally:
        spare.unlink(missing_ok=True)


def _sqlite_backup(db_file: Path, path: Path) -> str:
    """Copy the live database file to `path` with the backup API (one step: one consistent snapshot); its revision."""
    if not db_file.is_file():
        raise BackupError(f"{db_file}: no such database file")
    if path.exists() and path.resolve() == db_file.resolve():
        raise BackupError(f"{path}: is the database itself; back up to another file")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _spare_file(path) as spare:
        with closing(_sqlite_connect(db_file, "rw")) as source, closing(sqlite3.connect(spare)) as target:
            source.backup(target)  # all pages in one step, under one read transaction: a consistent snapshot
            # A single self-contained file: no -wal or -shm beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            revision = _sqlite_revision(target, db_file)
        with open(spare, "rb") as written:
            os.fsync(written.fileno())
        os.replace(spare, path)
    return revision


def _sqlite_restore(db_file: Path, path: Path) -> str:
    """Copy the backup at `path` into the live database file through the backup API; the restored revision."""
    if path.resolve() == db_file.resolve():
        raise BackupError(f"{path}: is the database itself")
    try:
        source = _sqlite_connect(path, "ro")
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: not an rcjc SQLite database ({exc})") from exc
    with closing(source):
        revision = check_revision(_sqlite_revision(source, path), path)
        db_file.parent.mkdir(parents=True, exist_ok=True)
        with closing(_sqlite_connect(db_file, "rwc")) as target:
            # The backup API takes the write lock and replaces every page: other connections see the restored
            # database at their next transaction, never a half-copied file.
            try:
                source.backup(target)
            except sqlite3.Error as exc:
                raise BackupError(f"{path}: restore into {db_file} failed ({exc})") from exc
    return revision


# PostgreSQL -----------------------------------------------------------------------------------------------------


def pg_program(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found

    def version(candidate: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(candidate).parent.parent.name))

    candidates = sorted((p for p in glob.glob(f"{PG_BIN_GLOB}/{name}") if os.access(p, os.X_OK)), key=version)
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client programs (e.g. apt install postgresql-client)")
    return candidates[-1]


def _pg_connection(url: URL) -> tuple[list[str], dict[str, str]]:
    """Command-line options (host, port, user, database) and environment (password, SSL mode) for libpq programs."""
    args: list[str] = []
    host = url.host or url.query.get("host")
    if isinstance(host, str) and host:
        args += ["--host", host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    if not url.database:
        raise BackupError(f"{url.render_as_string(hide_password=True)}: no database name")
    args += ["--dbname", url.database]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # never on the command line, where other users could read it
    sslmode = url.query.get("sslmode")
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    return args, env


def _pg_schema(url: URL) -> str | None:
    """The schema the URL's `options=-csearch_path=...` confines the application to, if any."""
    options = url.query.get("options")
    if not isinstance(options, str):
        return None
    match = re.search(r"search_path\s*=\s*([^\s,]+)", unquote(options))
    return match.group(1).strip('"') if match else None


def _run(program: str, args: list[str], env: dict[str, str] | None = None) -> str:
    """Run a PostgreSQL client program; its standard output, or a BackupError with its stderr's last line."""
    exe = pg_program(program)
    try:
        done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{program} could not be run: {exc}") from exc
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{program} failed (exit {done.returncode}): {lines[-1] if lines else 'no message'}")
    return done.stdout


def _pg_dump_revision(path: Path) -> str:
    """The schema revision stored in a pg_dump archive; refuses files that are not rcjc backups."""
    try:
        listing = _run("pg_restore", ["--list", str(path)])
    except BackupError as exc:
        if "not found" in str(exc):
            raise
        raise BackupError(f"{path}: not a PostgreSQL backup made by rcjc backup ({exc})") from exc
    if not re.search(r"TABLE DATA \S+ alembic_version ", listing):
        raise BackupError(f"{path}: not an rcjc backup (it has no alembic_version table)")
    # The table's rows as COPY text, written to standard output: nothing touches a database.
    data = _run("pg_restore", ["--data-only", "--table=alembic_version", "--file=-", str(path)])
    rows: list[str] = []
    copying = False
    for line in data.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            break
        elif copying:
            rows.append(line)
    if len(rows) > 1:
        raise BackupError(f"{path}: several schema revisions in alembic_version: {', '.join(rows)}")
    return _recorded(rows[0] if rows else None, path)


def _pg_backup(url: URL, path: Path) -> str:
    """pg_dump the database (only the URL's schema when it sets a search_path) to `path`; the dump's revision."""
    args, env = _pg_connection(url)
    confined = _pg_schema(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _spare_file(path) as spare:
        _run("pg_dump", ["--format=custom", f"--file={spare}", *([f"--schema={confined}"] if confined else []), *args],
             env)
        revision = _pg_dump_revision(spare)
        os.replace(spare, path)
    return revision


def _pg_restore(engine: Engine, path: Path) -> str:
    """pg_restore the archive at `path` over the database in one transaction; the restored revision."""
    revision = check_revision(_pg_dump_revision(path), path)
    args, env = _pg_connection(engine.url)
    engine.dispose()  # our idle pooled connections hold no locks, but they need not stay
    # One transaction: a restore that fails leaves the database as it was.
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(path)], env)
    return revision
