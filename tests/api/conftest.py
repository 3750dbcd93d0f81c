"""Fixtures: a client of the web app, and signed-in API users."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.access import users as engine_users
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.groups import GROUP_LABELS
from engine.persistence.uow import UnitOfWork
from tests.support.client import ApiUser, sign_in
from tests.support.people import PASSWORD


@pytest.fixture
def http(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def users(http: FlaskClient, people: dict[str, Actor]) -> dict[str, ApiUser]:
    """Every person of the procedure, signed in with their own token."""
    return {name: sign_in(http, name) for name in people}


@pytest.fixture
def everyone(app: Flask, deployed: EngineContext) -> ApiUser:
    """A user in every group, signed in, so that no operation stops at 401 or at a group the caller lacks."""
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        engine_users.create_user(uow.session, "everyone", PASSWORD, list(GROUP_LABELS), uow.now)
        uow.commit()
    return sign_in(app.test_client(), "everyone")
