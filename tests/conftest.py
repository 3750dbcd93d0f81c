"""Fixtures: a movable clock, a fresh database per test (SQLite, and PostgreSQL when DATABASE_URL says so), the people,
the shipped procedure deployed, and the web app on the test's engine context."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import text

from engine.access import users
from engine.access.policy import SYSTEM, Actor
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.uow import UnitOfWork
from tests.support.clock import START, FrozenClock
from tests.support.context import BACKENDS, PG_URL, TEST_AUDIT_KEY_TEXT, make_context, shipped_files
from tests.support.people import PASSWORD, PEOPLE
from webapp import create_app


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


@pytest.fixture
def ctx(db_url: str, clock: FrozenClock) -> Iterator[EngineContext]:
    context = make_context(db_url, clock)
    yield context
    context.db.dispose()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Production hashing costs ~50 ms per password; tests create many users.
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def people(ctx: EngineContext) -> dict[str, Actor]:
    """One user per role (three committee members), as actors."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        for name, (groups, unit) in PEOPLE.items():
            users.create_user(uow.session, name, PASSWORD, groups, uow.now, unit)
        uow.commit()
    with ctx.sessions() as session:
        return {name: users.actor_for(session, name) for name in PEOPLE}


@pytest.fixture
def deployed(ctx: EngineContext, people: dict[str, Actor]) -> EngineContext:
    """A context with the shipped procedure deployed and the people created."""
    deploy(ctx, SYSTEM, shipped_files())
    return ctx


@pytest.fixture
def app_config() -> dict[str, object]:
    """Settings of the web app beyond TESTING: none here; a folder's conftest or a module overrides this fixture."""
    return {}


@pytest.fixture
def app(deployed: EngineContext, app_config: dict[str, object]) -> Flask:
    """The web app on the test's engine context, with the shipped procedure deployed and the people created."""
    return create_app({"TESTING": True, **app_config}, context=deployed)
