"""Command line: `python -m bench.statistics [--cases N] [--repeat R] [--database-url URL]`.

Times GET /api/v1/statistics over many seeded cases (through the Flask test client, with the demo supervisor's
bearer token) and the engine's figures() beneath it; prints median, p90 and p99 and never fails on time.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sqlite3
import sys
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from time import perf_counter
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from engine.access import users
from engine.access.demo_users import DEMO_PASSWORD
from engine.context import EngineContext
from engine.reading.statistics import FigureQuery, figures
from webapp import create_app

from . import seed_figures
from .stats import summarize

TARGET_MS = 200.0
SUPERVISOR = "supervisor"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the case count, the repetitions and the database."""
    parser = argparse.ArgumentParser(prog="python -m bench.statistics", description="Time GET /api/v1/statistics.")
    parser.add_argument("--cases", type=int, default=100_000, help="cases seeded (default 100000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per query (default 30, at least 2)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per query first (default 3)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="a PostgreSQL URL (default $DATABASE_URL): a schema of its own is created there and "
                             "dropped after; without it a SQLite file in a temporary folder")
    parser.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                        help="run VACUUM (ANALYZE) after seeding (default: on PostgreSQL, as autovacuum would; not on SQLite, "
                             "which the app never analyzes)")
    parser.add_argument("--statement-repeat", type=int, default=5,
                        help="timed runs of each SQL statement of figures() on its own (default 5; 0 skips them)")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repeat < 2 or args.warmup < 0 or args.statement_repeat == 1 or args.statement_repeat < 0:
        parser.error("--cases must be positive, --repeat at least 2, --warmup not negative, --statement-repeat 0 or at least 2")
    if args.database_url and not args.database_url.startswith("postgresql"):
        parser.error("--database-url must be a postgresql:// URL (SQLite needs none)")
    return args


def queries(unit: str, domain: str) -> list[tuple[str, str, FigureQuery]]:
    """The queries timed: a label, the URL's query string and the same as a FigureQuery."""
    year = FigureQuery(date(2025, 1, 1), date(2025, 12, 31))
    return [("no filter", "", FigureQuery()), ("unit", f"unit={unit}", FigureQuery(unit=unit)),
            ("domain", f"domain={domain}", FigureQuery(domain=domain)),
            ("year 2025", "from=2025-01-01&to=2025-12-31", year)]


def timed(call: Callable[[], int], repeat: int, warmup: int) -> tuple[list[float], int]:
    """Seconds of each of `repeat` calls after `warmup` untimed ones, and the size the last call returned."""
    size = 0
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        gc.collect()
        began = perf_counter()
        size = call()
        samples.append(perf_counter() - began)
    return samples, size


def http_call(client: FlaskClient, token: str, query_string: str) -> Callable[[], int]:
    """One GET of the statistics as the supervisor; the size of the JSON body."""
    def call() -> int:
        response = client.get(f"/api/v1/statistics?{query_string}", headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 200:
            raise RuntimeError(f"GET /api/v1/statistics?{query_string}: {response.status_code} {response.get_data()!r}")
        return len(response.get_data())
    return call


def engine_call(ctx: EngineContext, query: FigureQuery) -> Callable[[], int]:
    """One figures() call as the supervisor in its own session; the number of rows of its tables."""
    def call() -> int:
        with ctx.sessions() as session:
            _, tables = figures(ctx, session, users.actor_for(session, SUPERVISOR), query)
        return sum(len(t.rows) for t in tables)
    return call


def statements_of(ctx: EngineContext, query: FigureQuery) -> list[tuple[str, Any]]:
    """The SQL statements (with their driver parameters) one figures() call issues, in order."""
    seen: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(ctx.db, "before_cursor_execute", note)
    try:
        engine_call(ctx, query)()
    finally:
        event.remove(ctx.db, "before_cursor_execute", note)
    return seen


def statement_call(ctx: EngineContext, statement: str, parameters: Any) -> Callable[[], int]:
    """One run of a statement on its own connection, every row fetched; the number of rows."""
    def call() -> int:
        with ctx.db.connect() as conn:
            return len(conn.exec_driver_sql(statement, parameters).fetchall())
    return call


def ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal."""
    return f"{seconds * 1000:8.1f}"


def print_table(title: str, rows: list[tuple[str, list[float], int]], unit: str) -> None:
    """Median, p90, p99 and size of each query, and whether its median is within the target."""
    print(f"\n{title}")
    print(f"  {'query':<12}{'median ms':>10}{'p90 ms':>9}{'p99 ms':>9}{unit:>12}  within {TARGET_MS:.0f} ms?")
    for label, samples, size in rows:
        s = summarize(samples)
        verdict = "yes" if s.median * 1000 <= TARGET_MS else "NO (slower than the target)"
        print(f"  {label:<12}{ms(s.median):>10}{ms(s.p90):>9}{ms(s.p99):>9}{size:>12}  {verdict}")


def print_statements(label: str, timings: list[tuple[str, list[float], int]]) -> None:
    """Each statement of figures() with its median time and rows, slowest first."""
    print(f"\n  statements of figures() for '{label}' (median ms, rows fetched; run alone, every row fetched):")
    for statement, samples, rows in sorted(timings, key=lambda t: -summarize(t[1]).median):
        head = " ".join(statement.split())
        print(f"    {ms(summarize(samples).median)} {rows:>7}  {head[:140]}{'…' if len(head) > 140 else ''}")


def main(argv: list[str] | None = None) -> int:
    """Seed, serve in-process, time the queries and print the report; exit status 0 whatever the times."""
    args = parse_args(argv)
    began = perf_counter()
    with seed_figures.fresh_context(args.database_url) as (ctx, _url, where):
        run(ctx, args, where)
    print(f"\n(total benchmark time {perf_counter() - began:.1f} s)")
    return 0


def run(ctx: EngineContext, args: argparse.Namespace, where: str) -> None:
    """Initialize and seed the database of `ctx`, then time the HTTP endpoint and figures()."""
    started = perf_counter()
    seed_figures.initialize(ctx)
    init_s = perf_counter() - started
    backend = ctx.db.dialect.name
    server = ".".join(map(str, ctx.db.dialect.server_version_info or ()))
    print(f"Python {platform.python_version()}, SQLAlchemy {version('SQLAlchemy')}, Flask {version('Flask')}, "
          f"SQLite {sqlite3.sqlite_version}" + (f", PostgreSQL {server}" if backend != "sqlite" else ""))
    print(f"database: {where}")
    started = perf_counter()
    rows = seed_figures.seed(ctx, args.cases)
    seed_s = perf_counter() - started
    analyze = args.analyze if args.analyze is not None else backend != "sqlite"
    if analyze:
        seed_figures.analyze(ctx)
    print(f"init (schema, groups, shipped processes, demo users): {init_s:.1f} s; seeding by SQL: {seed_s:.1f} s; "
          f"{'VACUUM (ANALYZE) run' if analyze else 'not vacuumed or analyzed'}")
    print("rows: " + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    unit = seed_figures.UNITS[0]
    with ctx.sessions() as session:
        domain = sorted(seed_figures.figure_words.domain_names(ctx, session))[0]
    app = create_app({"TESTING": True}, context=ctx)
    client = app.test_client()
    response = client.post("/api/v1/auth/token", json={"username": SUPERVISOR, "password": DEMO_PASSWORD})
    if response.status_code != 200:
        raise RuntimeError(f"no token for {SUPERVISOR}: {response.status_code} {response.get_data()!r}")
    token = response.get_json()["token"]
    print(f"{args.repeat} timed requests per query after {args.warmup} warm-up; unit={unit}, domain={domain}; "
          f"target: median within {TARGET_MS:.0f} ms (reported, never enforced)")
    asked = queries(unit, domain)
    print_table("GET /api/v1/statistics (Flask test client, bearer token of the demo supervisor)",
                [(label, *timed(http_call(client, token, qs), args.repeat, args.warmup)) for label, qs, _ in asked],
                "bytes")
    print_table("engine.reading.statistics.figures() (own session, no HTTP or JSON)",
                [(label, *timed(engine_call(ctx, q), args.repeat, args.warmup)) for label, _, q in asked],
                "table rows")
    if args.statement_repeat:
        for label, _, query in asked:
            print_statements(label, [(sql, *timed(statement_call(ctx, sql, params), args.statement_repeat, 1))
                                     for sql, params in statements_of(ctx, query)])


if __name__ == "__main__":
    sys.exit(main())
