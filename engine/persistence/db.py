"""Database plumbing: the declarative base, a UTC datetime type and engine/session factories."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from engine.persistence import pipeline

DEFAULT_URL = "sqlite:///instance/rcjc.sqlite3"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # SQLite has no time zones; store naive UTC there so ordering stays textual.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def connection(session: Session) -> Connection:
    """The session's connection: the unit of work's, looked up once (Session.connection() costs ~25 µs a call)."""
    conn = session.info.get(CONNECTION_KEY)
    return conn if conn is not None else session.connection()


CONNECTION_KEY = "rcjc_connection"


class Base(DeclarativeBase):
    """Declarative base of every engine table."""


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # The driver's own transaction handling is off so that we can issue BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        # In WAL mode NORMAL syncs the log at checkpoints instead of at every commit. The database can
        # never be corrupted this way, and a crash of the process loses nothing (committed frames are
        # in the OS's cache); only a power loss or OS crash may roll back the last commits before the
        # next checkpoint, each to a consistent earlier state. FULL would add an fsync to every step.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: two writers never read the same stale state.
        statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get("rcjc_write", False) else "BEGIN"
        # Straight to the driver: BEGIN needs no parameters, results or statement events. A busy
        # database still surfaces as SQLAlchemy's OperationalError, as from any other statement.
        try:
            conn.connection.driver_connection.execute(statement)
        except sqlite3.OperationalError as exc:
            raise OperationalError(statement, None, exc) from exc


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 10, prepare_threshold: int | None = 1,
                pre_ping: bool = False) -> Engine:
    """Create a SQLAlchemy engine for SQLite (WAL, immediate write transactions) or PostgreSQL (a pool of the
    given size; statements run `prepare_threshold` times prepared on the server)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_setup(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No ping per checkout by default: a connection the server dropped fails its statement once, which invalidates
    # the pool; recycling keeps connections younger than common idle timeouts of proxies and firewalls.
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=pre_ping, pool_recycle=1800,
                           connect_args={"prepare_threshold": prepare_threshold})
    pipeline.install(engine)
    _postgresql_setup(engine)
    return engine


def _postgresql_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # No JIT compilation: it pays off for long analytic scans, and a reader's case list at a province's scale
        # spent more compiling (80 ms) than running (70 ms). Set per connection, so it needs no rights on the
        # database and passes through any pooler.
        autocommit, dbapi_conn.autocommit = dbapi_conn.autocommit, True
        try:
            dbapi_conn.execute("SET jit = off")
        finally:
            dbapi_conn.autocommit = autocommit


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    """Create the session factory used by units of work and queries.

    No autoflush: a use case changes its case row once and the change is written at commit in one UPDATE.
    """
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
