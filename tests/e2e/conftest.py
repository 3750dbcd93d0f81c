"""Every procedure test runs twice: through the engine's services and through the HTTP API alone."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from tests.support.people import PASSWORD
from tests.support.transports import HttpTransport, ServiceTransport, Transport


@pytest.fixture(params=["services", "http"])
def via(request: pytest.FixtureRequest, deployed: EngineContext, people: dict[str, Actor]) -> Transport:
    if request.param == "services":
        return ServiceTransport(deployed, people)
    app: Flask = request.getfixturevalue("app")
    return HttpTransport(deployed, people, app.test_client(), PASSWORD)
