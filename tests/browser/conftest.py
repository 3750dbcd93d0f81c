"""Browser fixtures: the real app served on a local port, and Chromium driven through Playwright (SQLite only)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from tests.support.browser_ui import CHROMIUM, VIEWPORT


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The browser tests run on SQLite alone: one server, one file database."""
    return f"sqlite:///{tmp_path / 'rcjc.sqlite3'}"


@pytest.fixture
def app_config() -> dict[str, object]:
    """The app is served over plain HTTP on a local port: its session cookie cannot be Secure."""
    return {"SESSION_COOKIE_SECURE": False, "SECRET_KEY": "browser-tests"}


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """Serve the app from a background thread on a free local port; stopped and closed after the test."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver, for the whole run."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """The system's Chromium, headless, started once."""
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh browser window (no cookies) at the screenshot size, closed before the server stops."""
    context: BrowserContext = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
