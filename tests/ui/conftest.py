"""The app on the test's engine context, with production cookie settings (Secure over HTTPS)."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.context import EngineContext
from webapp import create_app


@pytest.fixture
def app(deployed: EngineContext) -> Flask:
    return create_app({"TESTING": True, "SESSION_COOKIE_SECURE": True}, context=deployed)
