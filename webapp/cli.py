"""The `rcjc` command: set up the database, manage users, check and deploy models, run the worker and server."""

from __future__ import annotations

import gc
import ipaddress
import json
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path
from types import FrameType

import click
from sqlalchemy.exc import DBAPIError

from engine.access import users
from engine.access.demo_users import accounts_with_published_password, add_demo_users
from engine.access.policy import SYSTEM
from engine.bundles.shipped import SHIPPED, collect
from engine.calendar import load_schedule_json
from engine.context import EngineContext
from engine.errors import EngineError, ModelInvalid, Problem
from engine.library.deploy import DeployResult, deploy, newest_deployed_files, validate_in_context
from engine.persistence import audit, schema
from engine.persistence.uow import UnitOfWork
from engine.procedure.calendar_changes import follow_configured_overrides, import_schedule
from engine.procedure.holiday_schedules import provisional_cases, year_status
from engine.procedure.timers import DEFAULT_BATCH, DEFAULT_INTERVAL, DEFAULT_LEASE, FireReport, run_worker, worker_id

from . import cli_ops
from .cli_context import command_context as _context
from .context import context_of


def _follow_calendar_overrides(ctx: EngineContext) -> None:
    """Apply a change of the configured closures or extra working days to open tasks and armed timers."""
    result = follow_configured_overrides(ctx)
    if result is not None:
        click.echo(f"configured closures changed: {result.recomputed} due date(s) recomputed; "
                   f"{result.timers_moved} armed timer(s) of {result.cases_moved} case(s) moved", err=True)


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
        # A database written before the audit trail was keyed gets its chains anchored, once.
        anchored = audit.anchor_legacy_chains(uow.session, SYSTEM.username, uow.now)
        uow.commit()
    if anchored:
        click.echo(f"audit: anchored {anchored} existing chain(s) with audit key {ctx.audit_key.id}")
    files, _ = collect(SHIPPED)
    result = _deploy_or_exit(ctx, files, {})
    state = "deployed" if result.created else "unchanged"
    click.echo(f"processes {state}: bundle {result.bundle_hash[:12]} " +
               ", ".join(f"{p} v{v}" for p, v in sorted(result.versions.items())))
    _follow_calendar_overrides(ctx)
    if demo:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            added = add_demo_users(uow.session, uow.now)
            uow.commit()
        click.echo(f"demo users added: {', '.join(added) or 'none (already present)'}")


@main.group("users")
def users_group() -> None:
    """Manage users."""


@users_group.command("add")
@click.argument("name")
@click.option("--group", "groups", multiple=True, required=True, help="Group key; repeat for several.")
@click.option("--unit", default=None, help="Organization unit (for applicant organizations).")
@click.option("--display-name", default=None)
@click.option("--position", default=None, help="Position (职务), shown with the name.")
def users_add(name: str, groups: tuple[str, ...], unit: str | None, display_name: str | None,
              position: str | None) -> None:
    """Add a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\n")
    ctx = _context()
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            users.create_user(uow.session, name, password, groups, uow.now, unit, display_name, position=position)
            uow.commit()
    except EngineError as exc:
        raise click.ClickException(exc.summary) from exc
    click.echo(f"user {name} added to {', '.join(groups)}")


@users_group.command("password")
@click.argument("name")
def users_password(name: str) -> None:
    """Set a user's password, read from standard input; their sessions and API tokens end."""
    password = sys.stdin.readline().rstrip("\n")
    ctx = _context()
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            users.reset_password(uow.session, name, password, uow.now)
            uow.commit()
    except EngineError as exc:
        raise click.ClickException(exc.summary) from exc
    click.echo(f"password of {name} changed; its sessions and API tokens were ended")


@users_group.command("deactivate")
@click.argument("names", nargs=-1, required=True)
def users_deactivate(names: tuple[str, ...]) -> None:
    """Stop users from signing in; their sessions and API tokens end."""
    ctx = _context()
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            for name in names:
                users.deactivate(uow.session, name, uow.now)
            uow.commit()
    except EngineError as exc:
        raise click.ClickException(exc.summary) from exc
    click.echo(f"deactivated: {', '.join(names)}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check BPMN, DMN and form files; print file:line: reason for each problem and exit 1 if any.

    What the files refer to is looked up in the folders beside them (forms/, processes/, templates/) and in the
    newest deployment, so that one process file can be checked on its own.
    """
    files, origin = collect(paths)
    ctx = _context()
    siblings = {folder.resolve() for path in paths for base in ((path if path.is_dir() else path.parent).resolve(),)
                for folder in (base, base.parent / "forms", base.parent / "processes", base.parent / "templates")
                if folder.is_dir()}
    context = _deployed_or_nothing(ctx)
    for folder in sorted(siblings):
        context.update(collect([folder])[0])
    problems = validate_in_context(ctx, files, context)
    for p in problems:
        click.echo(str(Problem(str(origin.get(p.file, p.file)), p.line, p.reason)))
    if problems:
        sys.exit(1)
    click.echo(f"{len(files)} files OK")


def _deployed_or_nothing(ctx: EngineContext) -> dict[str, bytes]:
    """The newest deployment's files, or none when the database cannot say (validation works offline)."""
    try:
        return newest_deployed_files(ctx)
    except DBAPIError:
        return {}


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
            click.echo(str(Problem(str(origin.get(p.file, p.file)), p.line, p.reason)), err=True)
        sys.exit(1)


@main.command()
@click.option("--interval", default=DEFAULT_INTERVAL, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait when nothing more is due.")
@click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
@click.option("--batch", default=DEFAULT_BATCH, show_default=True, type=click.IntRange(min=1),
              help="Cases claimed at a time.")
@click.option("--lease", default=DEFAULT_LEASE.total_seconds(), show_default=True, type=click.FloatRange(min=1),
              help="Seconds a claim holds; cases of a killed worker are taken over after this.")
def worker(interval: float, once: bool, batch: int, lease: float) -> None:
    """Fire due timers until stopped; SIGTERM or SIGINT lets the current case finish, then exits."""
    ctx = _context()
    _follow_calendar_overrides(ctx)
    owner = worker_id()
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    def _print(report: FireReport) -> None:
        if report.error:
            click.echo(f"sweep failed: {report.error}", err=True)
        for case_id, reason in report.failed.items():
            click.echo(f"case {case_id} failed: {reason}", err=True)
        if report.fired:
            click.echo(f"fired timers of {len(report.fired)} case(s)")

    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"worker {owner} started", err=True)
    settle_heap()
    try:
        run_worker(ctx, owner, stop, timedelta(seconds=lease), batch, interval, once, _print)
    except (DBAPIError, EngineError) as exc:
        raise click.ClickException(f"sweep failed: {exc}") from exc
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"worker {owner} stopped", err=True)


@main.group("audit")
def audit_group() -> None:
    """Check the audit trail."""


@audit_group.command("verify")
@click.argument("case", required=False, type=int)
def audit_verify(case: int | None) -> None:
    """Verify the keyed hash chains and their anchors (of one case, or all); exit 1 on any edit or removal."""
    ctx = _context()
    with ctx.sessions() as session:
        reports = audit.verify(session, case)
    bad = [r for r in reports if not r.ok]
    for report in bad:
        for problem in report.problems:
            click.echo(problem)
    if bad or (case is not None and not reports[0].events):
        sys.exit(1)
    click.echo(f"audit OK: {len(reports)} chain(s), {sum(r.events for r in reports)} event(s), "
               f"audit key {ctx.audit_key.id}")


@main.group("calendar")
def calendar_group() -> None:
    """Holiday schedules of years the calendar package does not know."""


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def calendar_import(file: Path) -> None:
    """Import a year's official schedule from JSON ({"year", "holidays", "workdays"}) and recompute due dates."""
    try:
        schedule = load_schedule_json(json.loads(file.read_text(encoding="utf-8")))
    except OSError as exc:
        raise click.ClickException(f"{file}: 无法读取文件（{exc.strerror or exc}）") from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: 文件不是 UTF-8 编码的文本") from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file}: 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from exc
    except ValueError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    try:
        result = import_schedule(_context(), SYSTEM, schedule)
    except EngineError as exc:
        raise click.ClickException(f"{file}: {exc.message}") from exc
    except DBAPIError as exc:
        raise click.ClickException(f"数据库不可用或尚未初始化（请先运行 rcjc init）：{exc.orig}") from exc
    click.echo(f"calendar {result.year} {'replaced' if result.replaced else 'imported'}: "
               f"{len(schedule.holidays)} holiday(s), {len(schedule.workdays)} make-up workday(s); "
               f"{result.recomputed} due date(s) recomputed; "
               f"{result.timers_moved} armed timer(s) of {result.cases_moved} case(s) moved")


@calendar_group.command("show")
@click.argument("year", type=click.IntRange(1900, 2999))
def calendar_show(year: int) -> None:
    """Show a year's days off and make-up workdays and where they come from."""
    ctx = _context()
    try:
        with ctx.sessions() as session:
            status = year_status(ctx, session, year)
            waiting = provisional_cases(ctx, session, year)
    except DBAPIError as exc:
        raise click.ClickException(f"数据库不可用或尚未初始化（请先运行 rcjc init）：{exc.orig}") from exc
    if status.source == "fallback":
        click.echo(f"{year}: not known (Monday to Friday are working days; due dates counted over {year} "
                   "are provisional until its schedule is imported)")
        click.echo(f"open cases with provisional dates in {year}: {waiting}")
        return
    origin = "built into chinese-calendar" if status.source == "package" else "imported"
    if status.imported_at is not None:
        origin += f" {status.imported_at.astimezone(ctx.calendar.tz):%Y-%m-%d %H:%M} by {status.imported_by}"
    click.echo(f"{year}: {origin}")
    click.echo(f"holidays ({len(status.holidays)}): " + (", ".join(d.isoformat() for d in status.holidays) or "-"))
    click.echo(f"make-up workdays ({len(status.workdays)}): " +
               (", ".join(d.isoformat() for d in status.workdays) or "-"))
    click.echo(f"open cases with provisional dates in {year}: {waiting}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(min=1, max=256),
              help="Requests served at once by this process.")
@click.option("--timers/--no-timers", default=True, show_default=True,
              help="Run a leased timer worker in this process (leave it to `rcjc worker` processes with --no-timers).")
def serve(host: str, port: int, threads: int, timers: bool) -> None:
    """Serve the web app (waitress), by default with an embedded timer worker."""
    from waitress import serve as waitress_serve

    from . import create_app

    # Secure cookies need HTTPS; on the loopback interface the traffic never leaves the machine.
    loopback = is_loopback(host)
    app = create_app({"SESSION_COOKIE_SECURE": False} if loopback else None)
    ctx = context_of(app)
    try:
        _refuse_published_demo_passwords(ctx, host, loopback)
    except click.ClickException:
        ctx.db.dispose()  # nothing will be served: hand the pooled connections back now
        raise
    _follow_calendar_overrides(ctx)

    # The single-machine default: the server runs its own leased worker, so `make run` needs nothing else.
    if timers:
        threading.Thread(target=run_worker, args=(ctx, worker_id(), threading.Event()), kwargs={"interval": 30},
                         name="rcjc-timers", daemon=True).start()
    click.echo(f"rcjc serving on http://{host}:{port}/ with {threads} threads" + ("" if timers else ", timers left to workers"))
    settle_heap()
    waitress_serve(app, host=host, port=port, threads=threads)


def settle_heap() -> None:
    """Put what start-up made beyond the garbage collector's reach, so that a collection during a request walks only
    what requests made: the objects of modules, the app and its caches live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def is_loopback(host: str) -> bool:
    """Whether serving on `host` keeps the traffic on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def _refuse_published_demo_passwords(ctx: EngineContext, host: str, loopback: bool) -> None:
    """Demo accounts with the README's password let anyone in: refuse to serve them beyond this machine."""
    with ctx.sessions() as session:
        exposed = accounts_with_published_password(session)
    if not exposed:
        return
    names = ", ".join(exposed)
    fix = ("change their passwords (echo 'a-long-password' | rcjc users password NAME) "
           f"or deactivate them (rcjc users deactivate {' '.join(exposed)})")
    if not loopback:
        raise click.ClickException(
            f"refusing to serve on {host}: demo accounts still have the published password: {names}; {fix}")
    click.echo(f"warning: demo accounts have the published password: {names}; anyone on this machine can sign in "
               f"as them. Before serving beyond the loopback interface, {fix}.", err=True)


for _command in (cli_ops.backup_cmd, cli_ops.restore_cmd, cli_ops.check):
    main.add_command(_command)
