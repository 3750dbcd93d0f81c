"""Fixtures: a movable clock, a fresh database per test (SQLite, and PostgreSQL when DATABASE_URL says so)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import text

from engine.access import users
from engine.access.policy import SYSTEM, Actor
from engine.bundles.definitions import BundleCache
from engine.bundles.shipped import SHIPPED, collect
from engine.clock import SystemClock
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.audit_key import AuditKey
from engine.persistence.db import Base
from engine.persistence.uow import UnitOfWork

PG_URL = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL.startswith("postgresql") else [])
SHARED_BUNDLES = BundleCache()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, clear of holidays
# One fixed audit key for every context and, through RCJC_AUDIT_KEY, every command a test runs.
TEST_AUDIT_KEY_TEXT = "test-audit-key-0123456789abcdef"
TEST_AUDIT_KEY = AuditKey.from_text(TEST_AUDIT_KEY_TEXT)


class FrozenClock(SystemClock):
    """The wall clock, frozen and moved by the test; SpiffWorkflow's own datetime.now() moves with it."""

    def __init__(self, traveller: time_machine.Coordinates) -> None:
        self._traveller = traveller

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self._traveller.shift(delta)

    def move_to(self, when: datetime) -> None:
        """Jump to an absolute time."""
        self._traveller.move_to(when)


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    with time_machine.travel(START, tick=False) as traveller:
        yield FrozenClock(traveller)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rcjc.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    from sqlalchemy import create_engine

    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(autouse=True)
def audit_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Commands and worker processes read the key from the environment, never from the checkout's instance folder.
    monkeypatch.setenv("RCJC_AUDIT_KEY", TEST_AUDIT_KEY_TEXT)


def make_context(
    url: str, clock: SystemClock, config: EngineConfig | None = None, audit_key: AuditKey = TEST_AUDIT_KEY
) -> EngineContext:
    """A context on a fresh database with the tables created."""
    ctx = EngineContext.create(url, config or EngineConfig(), clock, audit_key)
    ctx.bundles = SHARED_BUNDLES
    Base.metadata.create_all(ctx.db)
    return ctx


@pytest.fixture
def ctx(db_url: str, clock: FrozenClock) -> Iterator[EngineContext]:
    context = make_context(db_url, clock)
    yield context
    context.db.dispose()


def shipped_files() -> dict[str, bytes]:
    """The processes and forms the product ships."""
    return collect(SHIPPED)[0]


PEOPLE: dict[str, tuple[list[str], str | None]] = {
    "applicant": (["applicant_org"], "示例区发展和改革局"),
    "other_applicant": (["applicant_org"], "示例区住房和城乡建设局"),
    "accountability": (["accountability"], "区纪委监委"),
    "intake": (["intake"], None),
    "investigator": (["investigator"], None),
    "reviewer": (["investigator"], None),
    "committee1": (["committee"], None),
    "committee2": (["committee"], None),
    "committee3": (["committee"], None),
    "chair": (["committee_chair"], None),
    "supervisor": (["supervisor"], None),
    "orgdept": (["org_dept"], None),
    "owner": (["process_owner"], None),
    "admin": (["admin"], None),
}


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Production hashing costs ~50 ms per password; tests create many users.
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def people(ctx: EngineContext) -> dict[str, Actor]:
    """One user per role (three committee members), as actors."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        for name, (groups, unit) in PEOPLE.items():
            users.create_user(uow.session, name, "Lantern-Meadow-2718", groups, uow.now, unit)
        uow.commit()
    with ctx.sessions() as session:
        return {name: users.actor_for(session, name) for name in PEOPLE}


@pytest.fixture
def deployed(ctx: EngineContext, people: dict[str, Actor]) -> EngineContext:
    """A context with the shipped procedure deployed and the people created."""
    deploy(ctx, SYSTEM, shipped_files())
    return ctx
