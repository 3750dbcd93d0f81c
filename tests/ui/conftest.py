"""Fixtures: the web app with production cookie settings (Secure over HTTPS)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"SESSION_COOKIE_SECURE": True}
