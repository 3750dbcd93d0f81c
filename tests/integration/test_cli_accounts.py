"""Accounts on the command line: the password policy, password resets, deactivation, and serving with demo accounts."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from engine.access.demo_users import DEMO_PASSWORD, DEMO_USERS, accounts_with_published_password
from engine.access.users import authenticate
from engine.clock import SystemClock
from tests.support.context import make_context
from webapp import cli as cli_module
from webapp.cli import main
from webapp.context import context_of

STRONG = "Quiet-Harbor-Lamp-93"
DEMO_NAMES = sorted(name for name, *_ in DEMO_USERS)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand-ins for the server and the timer worker: `rcjc serve` returns at once, recording what it would serve."""
    import waitress

    calls: list[dict[str, Any]] = []
    def serve(app: Any, **kwargs: Any) -> None:
        calls.append(kwargs)
        context_of(app).db.dispose()  # the stand-in server stops at once: its pooled connections close with it

    monkeypatch.setattr(waitress, "serve", serve)
    monkeypatch.setattr(cli_module, "run_worker", lambda *args, **kwargs: None)
    return calls


def exposed(db_url: str) -> list[str]:
    """The demo accounts the check finds with the published password."""
    ctx = make_context(db_url, SystemClock())
    try:
        with ctx.sessions() as session:
            return accounts_with_published_password(session)
    finally:
        ctx.db.dispose()


@pytest.mark.parametrize(("password", "message"), [("short-pw", "至少需要 12 个字符"), ("password1234", "过于常见"),
                                                   ("wang-wang-wang", "过于常见")])
def test_users_add_refuses_short_and_common_passwords(cli: CliRunner, password: str, message: str) -> None:
    assert cli.invoke(main, ["init"]).exit_code == 0
    refused = cli.invoke(main, ["users", "add", "wang", "--group", "intake"], input=f"{password}\n")
    assert refused.exit_code != 0 and message in refused.output
    assert cli.invoke(main, ["users", "add", "wang", "--group", "intake"], input=f"{STRONG}\n").exit_code == 0


def test_demo_accounts_keep_the_published_password_until_changed_or_deactivated(cli: CliRunner, db_url: str) -> None:
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    assert exposed(db_url) == DEMO_NAMES
    weak = cli.invoke(main, ["users", "password", "admin"], input="rcjc-demo-2\n")
    assert weak.exit_code != 0 and "至少需要 12 个字符" in weak.output
    changed = cli.invoke(main, ["users", "password", "admin"], input=f"{STRONG}\n")
    assert changed.exit_code == 0, changed.output
    deactivated = cli.invoke(main, ["users", "deactivate", "applicant", "intake"])
    assert deactivated.exit_code == 0, deactivated.output
    assert exposed(db_url) == [n for n in DEMO_NAMES if n not in ("admin", "applicant", "intake")]
    ctx = make_context(db_url, SystemClock())
    with ctx.sessions() as session:
        assert authenticate(session, "admin", STRONG) is not None
        assert authenticate(session, "admin", DEMO_PASSWORD) is None
        assert authenticate(session, "intake", DEMO_PASSWORD) is None  # deactivated
    ctx.db.dispose()
    unknown = cli.invoke(main, ["users", "deactivate", "nobody"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output


def test_serve_beyond_loopback_is_refused_while_demo_passwords_are_published(
    cli: CliRunner, db_url: str, served: list[dict[str, Any]]
) -> None:
    assert cli.invoke(main, ["init", "--demo"]).exit_code == 0
    refused = cli.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 1 and served == []
    assert "refusing to serve on 0.0.0.0" in refused.output
    assert all(name in refused.output for name in DEMO_NAMES)
    assert "rcjc users password" in refused.output and "rcjc users deactivate" in refused.output

    local = cli.invoke(main, ["serve", "--host", "127.0.0.1", "--port", "5055"])
    assert local.exit_code == 0, local.output
    assert "warning: demo accounts have the published password" in local.output
    assert served == [{"host": "127.0.0.1", "port": 5055, "threads": 8}]

    for name in DEMO_NAMES:
        assert cli.invoke(main, ["users", "deactivate", name]).exit_code == 0
    opened = cli.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert opened.exit_code == 0, opened.output
    assert "warning" not in opened.output and served[-1]["host"] == "0.0.0.0"


def test_what_counts_as_loopback() -> None:
    for host in ("127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"):
        assert cli_module.is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.0.2.10", "rcjc.example"):
        assert not cli_module.is_loopback(host), host
