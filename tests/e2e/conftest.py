"""Every procedure test runs twice: through the engine's services and through the HTTP API alone."""

from __future__ import annotations

import pytest

from engine.access.policy import Actor
from engine.context import EngineContext
from webapp import create_app

from .transports import HttpTransport, ServiceTransport, Transport

PASSWORD = "Lantern-Meadow-2718"


@pytest.fixture(params=["services", "http"])
def via(request: pytest.FixtureRequest, deployed: EngineContext, people: dict[str, Actor]) -> Transport:
    if request.param == "services":
        return ServiceTransport(deployed, people)
    app = create_app({"TESTING": True}, context=deployed)
    return HttpTransport(deployed, people, app.test_client(), PASSWORD)
