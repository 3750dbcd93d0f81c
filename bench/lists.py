"""Command line: `python -m bench.lists [--cases N] [--repeat R] [--database-url URL]`.

Times the pages and lists people open all day over many seeded cases (100,000 by default, with about a million
open and completed task rows): the supervision dashboard (and the size of its HTML), the intake group's queue,
the case list with each filter, as a supervisor and as a group's and a unit's member, and the statistics, through
the Flask test client as the demo users. Prints median, p90 and p99 against the targets; never fails on time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from time import perf_counter

from flask.testing import FlaskClient

from engine.access.demo_users import DEMO_PASSWORD
from engine.context import EngineContext
from webapp import create_app

from . import seed_figures
from .statistics import ms, timed
from .stats import summarize

DASHBOARD_BYTES = 200_000
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the case count, the repetitions and the database."""
    parser = argparse.ArgumentParser(prog="python -m bench.lists", description="Time the dashboard, inbox and case list.")
    parser.add_argument("--cases", type=int, default=100_000, help="cases seeded (default 100000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20, at least 2)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="also run on this PostgreSQL database (default $DATABASE_URL), in a schema of its own "
                             "dropped after; a SQLite file in a temporary folder always")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repeat < 2 or args.warmup < 0:
        parser.error("--cases must be positive, --repeat at least 2, --warmup not negative")
    return args


def signed_in(client: FlaskClient, username: str) -> FlaskClient:
    """The client with a browser session of `username` (the sign-in form, with its CSRF token)."""
    page = client.get("/login").get_data(as_text=True)
    found = CSRF.search(page)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": found.group(1) if found else ""},
                           headers={"Referer": "http://localhost/login"})
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not sign in: {response.status_code}")
    return client


def page_call(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> Callable[[], int]:
    """One GET; the size of the body."""
    def call() -> int:
        response = client.get(path, headers=headers or {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        return len(response.get_data())
    return call


def run(ctx: EngineContext, args: argparse.Namespace, where: str) -> None:
    """Seed, then time each page and print the table."""
    seed_figures.initialize(ctx)
    started = perf_counter()
    rows = seed_figures.seed(ctx, args.cases)
    if ctx.db.dialect.name != "sqlite":
        seed_figures.analyze(ctx)
    print(f"database: {where}; seeded by SQL in {perf_counter() - started:.1f} s: "
          + ", ".join(f"{name} {n:,}" for name, n in rows.items()))
    app = create_app({"TESTING": True, "SESSION_COOKIE_SECURE": False}, context=ctx)
    supervisor = signed_in(app.test_client(), "supervisor")
    intake = signed_in(app.test_client(), "intake")
    api = app.test_client()
    bearer, intake_bearer, investigator_bearer, applicant_bearer = ({"Authorization": "Bearer " + api.post(
        "/api/v1/auth/token", json={"username": name, "password": DEMO_PASSWORD}).get_json()["token"]}
        for name in ("supervisor", "intake", "investigator", "applicant"))
    pages = [
        ("dashboard (HTML)", page_call(supervisor, "/dashboard"), 50.0),
        ("intake's inbox (HTML)", page_call(intake, "/inbox"), 20.0),
        ("group queue (API)", page_call(api, "/api/v1/tasks?group=intake", intake_bearer), 20.0),
        ("cases, no filter", page_call(api, "/api/v1/cases", bearer), 30.0),
        ("cases, running", page_call(api, "/api/v1/cases?status=running", bearer), 30.0),
        ("cases, stuck", page_call(api, "/api/v1/cases?stuck=true", bearer), 30.0),
        ("cases, overdue", page_call(api, "/api/v1/cases?overdue=true", bearer), 30.0),
        ("cases, words", page_call(api, "/api/v1/cases?q=干部42", bearer), 30.0),
        # Words every seeded case holds: nothing to narrow by, so they show what a common word costs.
        ("cases, common words", page_call(api, "/api/v1/cases?q=测试事项", bearer), 30.0),
        ("cases, common character", page_call(api, "/api/v1/cases?q=项", bearer), 30.0),
        # Readers who see part of the cases: a group through the cases it had tasks in, a unit its own.
        ("cases, a group's reader", page_call(api, "/api/v1/cases", investigator_bearer), 30.0),
        ("cases, a unit's reader", page_call(api, "/api/v1/cases", applicant_bearer), 30.0),
        ("statistics (API)", page_call(api, "/api/v1/statistics", bearer), 200.0),
    ]
    print(f"{args.repeat} timed requests per page after {args.warmup} warm-up (targets reported, never enforced)")
    print(f"  {'page':<24}{'median ms':>10}{'p90 ms':>9}{'p99 ms':>9}{'bytes':>10}  target")
    for label, call, target in pages:
        samples, size = timed(call, args.repeat, args.warmup)
        s = summarize(samples)
        verdict = "within" if s.median * 1000 <= target else "SLOWER than"
        print(f"  {label:<24}{ms(s.median):>10}{ms(s.p90):>9}{ms(s.p99):>9}{size:>10}  {verdict} {target:.0f} ms")
        if label.startswith("dashboard"):
            sized = "within" if size <= DASHBOARD_BYTES else "LARGER than"
            print(f"  {'':<24}dashboard HTML {size / 1000:.0f} KB: {sized} {DASHBOARD_BYTES // 1000} KB")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on a fresh SQLite database, and on PostgreSQL too when a URL is given; print the reports."""
    args = parse_args(argv)
    began = perf_counter()
    for url in dict.fromkeys([None, args.database_url]):
        with seed_figures.fresh_context(url) as (ctx, _url, where):
            run(ctx, args, where)
    print(f"(total benchmark time {perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
