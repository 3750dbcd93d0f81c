"""`rcjc backup`, `rcjc restore` and `rcjc check`: keeping a running system's data safe and proving it consistent."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError

from engine.persistence import backup
from engine.procedure.consistency import check_all, recount_tally, tally_problems

from .cli_context import command_context


@contextmanager
def _refusals_said() -> Iterator[None]:
    """A refused backup or an unreachable database as the command's error message (exit status 1)."""
    try:
        yield
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(f"数据库不可用：{exc.orig}") from exc


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_cmd(path: Path) -> None:
    """Write a consistent copy of the database to PATH while the system keeps running."""
    ctx = command_context()
    with _refusals_said():
        result = backup.backup(ctx.db, path)
    click.echo(f"backup written: {result.path} ({result.size} bytes, schema revision {result.revision})")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (everything written since the backup is lost)."""
    ctx = command_context()
    where = ctx.db.url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Replace the database {where} with {path}? Everything written since the backup is lost",
                      abort=True)
    with _refusals_said():
        result = backup.restore(ctx.db, path)
    upgraded = f", upgraded from {result.upgraded_from}" if result.upgraded_from else ""
    click.echo(f"restored: {result.path} ({result.size} bytes) into {where}, schema revision {result.revision}{upgraded}")


@click.command()
@click.argument("case", type=int, required=False)
@click.option("--recount-figures", is_flag=True,
              help="Count the figures' tally again from the cases, their stages and late steps before checking it.")
def check(case: int | None, recount_figures: bool) -> None:
    """Check that every case (or CASE) agrees with itself: state, task index, due dates, columns, audit chain; and,
    without CASE, that the figures' tally equals a recount."""
    ctx = command_context()
    checked = broken = 0
    for found in check_all(ctx, case):
        checked += 1
        if not found.ok:
            broken += 1
            for problem in found.problems:
                click.echo(f"case {found.case_id}: {problem}")
    if case is not None and not checked:
        raise click.ClickException(f"no case {case}")
    click.echo(f"{checked} case(s) checked, {broken} with problems")
    tally = []
    if case is None:
        if recount_figures:
            recount_tally(ctx)
            click.echo("figure tally recounted")
        tally = tally_problems(ctx)
        for problem in tally:
            click.echo(problem)
        click.echo(f"figure tally: {len(tally)} difference(s)")
    if broken or tally:
        sys.exit(1)
