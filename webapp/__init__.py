"""The rcjc web application: Flask app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .settings import build_context


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app; `test_config` overrides settings (e.g. DATABASE_URL) in tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DATABASE_URL=None)
    if test_config:
        app.config.update(test_config)
    app.extensions["rcjc"] = build_context(app.config.get("DATABASE_URL"))

    from . import status

    app.register_blueprint(status.bp)
    return app
