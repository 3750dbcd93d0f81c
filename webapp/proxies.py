"""Reverse proxies in front of the app: how many X-Forwarded-For hops to believe (RCJC_TRUSTED_PROXIES)."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trusted_proxies(configured: Any = None) -> int:
    """The number of proxies in front of the app: the TRUSTED_PROXIES setting, else RCJC_TRUSTED_PROXIES, else 0."""
    raw = configured if configured is not None else os.environ.get("RCJC_TRUSTED_PROXIES", "0")
    try:
        count = int(str(raw).strip() or "0")
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"RCJC_TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {raw!r}")
    return count


def install(app: Flask) -> None:
    """Take the client's address from the last N X-Forwarded-For hops when N proxies are trusted.

    With none trusted the header is ignored: anyone can send it, and a forged address would escape the
    throttle on failed sign-ins. With N, only the hops the trusted proxies appended are believed.
    """
    count = trusted_proxies(app.config.get("TRUSTED_PROXIES"))
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count)  # type: ignore[method-assign]
