"""Fixtures: the Flask app on the test's engine context, and signed-in API users."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.context import EngineContext
from engine.policy import Actor
from webapp import create_app

from .client import ApiUser, sign_in


@pytest.fixture
def app(deployed: EngineContext) -> Flask:
    return create_app({"TESTING": True}, context=deployed)


@pytest.fixture
def http(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def users(http: FlaskClient, people: dict[str, Actor]) -> dict[str, ApiUser]:
    """Every person of the procedure, signed in with their own token."""
    return {name: sign_in(http, name) for name in people}
