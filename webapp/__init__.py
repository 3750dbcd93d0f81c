"""The rcjc web application: Flask app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from engine.context import EngineContext

from . import routing
from .context import attach
from .settings import build_context
from .ui.session import COOKIE_DEFAULTS

# BPMN bundles are the largest uploads; ten megabytes is many times the shipped procedure.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def create_app(test_config: Mapping[str, Any] | None = None, context: EngineContext | None = None) -> Flask:
    """Create the Flask app; `test_config` overrides settings, `context` replaces the engine context (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping({"DATABASE_URL": None, "MAX_CONTENT_LENGTH": MAX_UPLOAD_BYTES, **COOKIE_DEFAULTS})
    if test_config:
        app.config.update(test_config)
    attach(app, context or build_context(app.config.get("DATABASE_URL")))
    from . import bodies, proxies, status

    routing.install(app)  # before the first route: every rule is parsed with the id converters
    proxies.install(app)
    bodies.install(app)
    app.register_blueprint(status.bp)
    from .api import init_api

    init_api(app)
    from . import vendor
    from .ui.setup import init_ui

    app.register_blueprint(vendor.bp)
    init_ui(app)
    return app
