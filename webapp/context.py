"""The engine context a web app serves: kept on the app once, read by its pages, its API and its commands."""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

from engine.context import EngineContext

# The key under app.extensions; Flask's convention is the extension's (here the project's) name.
EXTENSION = "rcjc"


def attach(app: Flask, ctx: EngineContext) -> None:
    """Make `ctx` the app's engine context."""
    app.extensions[EXTENSION] = ctx


def context_of(app: Flask) -> EngineContext:
    """The engine context of `app` (for code that is handed the app rather than running inside it)."""
    return cast(EngineContext, app.extensions[EXTENSION])


def engine_context() -> EngineContext:
    """The engine context of the app handling the current request or command."""
    return context_of(current_app)
