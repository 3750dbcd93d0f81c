"""The `rcjc` command: set up the database, manage users, check and deploy models, run the worker and server."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click
from sqlalchemy import select

from engine import audit, schema, users
from engine.bundle_files import SHIPPED, collect
from engine.context import EngineContext
from engine.deploy import DeployResult, deploy, validate_files
from engine.errors import EngineError, ModelInvalid
from engine.models import User
from engine.policy import SYSTEM
from engine.timers import fire_due_timers
from engine.uow import UnitOfWork

from .demo import DEMO_PASSWORD, DEMO_USERS
from .settings import build_context


def _context() -> EngineContext:
    """An engine context whose database connections are closed when the command ends."""
    ctx = build_context()
    click.get_current_context().call_on_close(ctx.db.dispose)
    return ctx


@click.group()
def main() -> None:
    """rcjc — 容错纠错 workflow system."""


@main.command()
@click.option("--demo", is_flag=True, help="Add one demo user per group.")
def init(demo: bool) -> None:
    """Create or upgrade the schema and deploy the shipped processes and forms if they changed."""
    ctx = _context()
    schema.upgrade(ctx.db)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.ensure_groups(uow.session)
        uow.commit()
    files, _ = collect(SHIPPED)
    result = _deploy_or_exit(ctx, files, {})
    state = "deployed" if result.created else "unchanged"
    click.echo(f"processes {state}: bundle {result.bundle_hash[:12]} " +
               ", ".join(f"{p} v{v}" for p, v in sorted(result.versions.items())))
    if demo:
        added = []
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            for name, groups, unit, display in DEMO_USERS:
                if _user_missing(uow, name):
                    users.create_user(uow.session, name, DEMO_PASSWORD, groups, uow.now, unit, display)
                    added.append(name)
            uow.commit()
        click.echo(f"demo users added: {', '.join(added) or 'none (already present)'}")


def _user_missing(uow: UnitOfWork, name: str) -> bool:
    return uow.session.scalar(select(User.id).where(User.username == name)) is None


@main.group("users")
def users_group() -> None:
    """Manage users."""


@users_group.command("add")
@click.argument("name")
@click.option("--group", "groups", multiple=True, required=True, help="Group key; repeat for several.")
@click.option("--unit", default=None, help="Organization unit (for applicant organizations).")
@click.option("--display-name", default=None)
def users_add(name: str, groups: tuple[str, ...], unit: str | None, display_name: str | None) -> None:
    """Add a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\n")
    ctx = _context()
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            users.create_user(uow.session, name, password, groups, uow.now, unit, display_name)
            uow.commit()
    except EngineError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"user {name} added to {', '.join(groups)}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check BPMN, DMN and form files; print file:line: reason for each problem and exit 1 if any."""
    files, origin = collect(paths)
    problems = validate_files(_context(), files)
    for p in problems:
        click.echo(f"{origin.get(p.file, p.file)}:{p.line or 0}: {p.reason}")
    if problems:
        sys.exit(1)
    click.echo(f"{len(files)} files OK")


@main.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def deploy_cmd(paths: tuple[Path, ...]) -> None:
    """Deploy files as a new immutable version (nothing happens when the same content is deployed)."""
    files, origin = collect(paths)
    result = _deploy_or_exit(_context(), files, origin)
    click.echo(("deployed" if result.created else "already deployed") + f": bundle {result.bundle_hash[:12]} " +
               ", ".join(f"{p} v{v}" for p, v in sorted(result.versions.items())))


def _deploy_or_exit(ctx: EngineContext, files: dict[str, bytes], origin: dict[str, Path]) -> DeployResult:
    try:
        return deploy(ctx, SYSTEM, files)
    except ModelInvalid as exc:
        for p in exc.problems:
            click.echo(f"{origin.get(p.file, p.file)}:{p.line or 0}: {p.reason}", err=True)
        sys.exit(1)


@main.command()
@click.option("--interval", default=10.0, show_default=True, help="Seconds between sweeps.")
@click.option("--once", is_flag=True, help="Sweep once and exit.")
def worker(interval: float, once: bool) -> None:
    """Fire due timers until stopped."""
    ctx = _context()
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stop.is_set():
        report = fire_due_timers(ctx)
        for case_id, reason in report.failed.items():
            click.echo(f"case {case_id} failed: {reason}", err=True)
        if report.fired:
            click.echo(f"fired timers of {len(report.fired)} case(s)")
        if once:
            break
        stop.wait(interval)


@main.group("audit")
def audit_group() -> None:
    """Check the audit trail."""


@audit_group.command("verify")
@click.argument("case", required=False, type=int)
def audit_verify(case: int | None) -> None:
    """Verify the hash chains (of one case, or all); exit 1 when any event was edited or removed."""
    ctx = _context()
    with ctx.sessions() as session:
        reports = audit.verify(session, case)
    bad = [r for r in reports if not r.ok]
    for report in bad:
        for problem in report.problems:
            click.echo(problem)
    if bad or (case is not None and not reports[0].events):
        sys.exit(1)
    click.echo(f"audit OK: {len(reports)} chain(s), {sum(r.events for r in reports)} event(s)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the web app (waitress) with an embedded timer worker."""
    from waitress import serve as waitress_serve

    from . import create_app

    # Secure cookies need HTTPS; on the loopback interface the traffic never leaves the machine.
    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app({"SESSION_COOKIE_SECURE": False} if loopback else None)
    ctx = app.extensions["rcjc"]

    def sweep() -> None:
        while True:
            fire_due_timers(ctx)
            threading.Event().wait(30)

    threading.Thread(target=sweep, name="rcjc-timers", daemon=True).start()
    click.echo(f"rcjc serving on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=8)
