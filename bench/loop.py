"""Command line: `python -m bench.loop [--cases N] [--rounds R] [--database-url URL]`.

Completes the one user task of a looping case (`bench/models/loop`: the intake officer asks for supplements
again and again) R times through HTTP as the demo intake officer, over N cases, and prints the median
completion of rounds 1–10 against rounds 191–200 and their ratio, with the stored state size. It runs on a
SQLite file, and on PostgreSQL too when a URL is given, and then prints the ratio of the two medians. The two
databases take turns case by case, so that a machine whose speed drifts during the run weighs on both alike.
After the warm-up the heap is settled as `rcjc serve` settles it before serving; the completions then run under
the collector's own schedule, as in a server (a full collection forced before each one, as this benchmark once
did, leaves every request cold caches and freed memory to fault in again: about 1.5 ms more per completion).
Never fails on time.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from flask.testing import FlaskClient

from engine.access.demo_users import DEMO_PASSWORD
from engine.access.policy import SYSTEM
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence.models import Case
from webapp import create_app
from webapp.cli import settle_heap

from . import seed_figures
from .statistics import ms
from .stats import summarize

MODELS = Path(__file__).resolve().parent / "models" / "loop"
PROCESS_ID = "bench_loop"
FIRST, LAST = slice(0, 10), slice(190, 200)


@dataclass(frozen=True)
class LoopRun:
    """Seconds of every completion by round (one list per round, one sample per case) and the state sizes."""

    rounds: list[list[float]]
    state_bytes: list[int]
    where: str

    def median(self, part: slice) -> float:
        """The median over every case of the rounds in `part`."""
        return statistics.median(t for samples in self.rounds[part] for t in samples)

    def everything(self) -> list[float]:
        """Every completion timed."""
        return [t for samples in self.rounds for t in samples]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the case and round counts and the database."""
    parser = argparse.ArgumentParser(prog="python -m bench.loop", description="Time a looping task's completions.")
    parser.add_argument("--cases", type=int, default=8, help="cases looped (default 8, at least 2)")
    parser.add_argument("--rounds", type=int, default=200, help="completions per case (default 200, at least 20)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="also run on this PostgreSQL database (default $DATABASE_URL), in a schema of its own")
    args = parser.parse_args(argv)
    if args.cases < 2 or args.rounds < 20:
        parser.error("--cases must be at least 2 and --rounds at least 20")
    return args


def bearer(client: FlaskClient, username: str) -> dict[str, str]:
    """An Authorization header of `username`'s API token."""
    token = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def loop_case(ctx: EngineContext, client: FlaskClient, headers: dict[str, str], rounds: int) -> tuple[list[float], int, int]:
    """Start one case and complete its task `rounds` times; the seconds of each and the state size after the first
    and the last."""
    answer = client.post("/api/v1/cases", headers=headers, json={
        "process_id": PROCESS_ID, "entry": "standard", "data": {"title": "反复补正的案件", "cadre_unit": "示例区财政局"}})
    if answer.status_code != 201 and answer.status_code != 200:
        raise RuntimeError(f"start: {answer.status_code} {answer.get_data(as_text=True)[:200]}")
    body = answer.get_json()
    times: list[float] = []
    sizes: list[int] = []
    for n in range(rounds):
        (task,) = body["open_tasks"]
        data = {"again": "yes" if n < rounds - 1 else "no", "round_note": f"第 {n + 1} 轮"}
        began = perf_counter()
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers, json={"data": data})
        times.append(perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"round {n + 1}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        body = response.get_json()
        if n in (0, rounds - 2):
            with ctx.sessions() as session:
                case = session.get(Case, body["case_id"])
                sizes.append(len(case.state) if case is not None and case.state is not None else 0)
    if body["status"] != "completed":
        raise RuntimeError(f"the case ended as {body['status']!r}")
    return times, sizes[0], sizes[-1]


@dataclass
class _Looper:
    """One database's context, client and token, and the seconds of its completions by round."""

    ctx: EngineContext
    client: FlaskClient
    headers: dict[str, str]
    where: str
    by_round: list[list[float]]
    sizes: list[int]


def _looper(stack: ExitStack, url: str | None, rounds: int) -> _Looper:
    """A fresh database with the loop model deployed, warmed up by one case of 20 rounds."""
    ctx, _fresh, where = stack.enter_context(seed_figures.fresh_context(url))
    seed_figures.initialize(ctx)
    deploy(ctx, SYSTEM, {p.name: p.read_bytes() for p in sorted(MODELS.iterdir())})
    client = create_app({"TESTING": True}, context=ctx).test_client()
    headers = bearer(client, "intake")
    loop_case(ctx, client, headers, 20)  # warm-up: caches, prepared statements
    return _Looper(ctx, client, headers, where, [[] for _ in range(rounds)], [0, 0])


def run(urls: list[str | None], args: argparse.Namespace) -> list[LoopRun]:
    """Loop the cases on each database, taking turns case by case: a machine that slows down for a while slows
    both alike, so their ratio holds."""
    with ExitStack() as stack:
        loopers = [_looper(stack, url, args.rounds) for url in urls]
        settle_heap()
        try:
            for _ in range(args.cases):
                for looper in loopers:
                    times, first_size, last_size = loop_case(looper.ctx, looper.client, looper.headers, args.rounds)
                    for n, t in enumerate(times):
                        looper.by_round[n].append(t)
                    looper.sizes = [first_size, last_size]
        finally:
            gc.unfreeze()  # the next run settles its own heap
        return [LoopRun(looper.by_round, looper.sizes, looper.where) for looper in loopers]


def report(result: LoopRun, rounds: int) -> None:
    """Print the medians of the first and last ten rounds, their ratio and the state sizes."""
    whole = summarize(result.everything())
    first, last = result.median(FIRST), result.median(slice(rounds - 10, rounds))
    print(f"\n{result.where}")
    print(f"  every completion       median {ms(whole.median)} ms   p90 {ms(whole.p90)} ms   p99 {ms(whole.p99)} ms")
    print(f"  rounds 1–10            median {ms(first)} ms")
    print(f"  rounds {rounds - 9}–{rounds}        median {ms(last)} ms")
    verdict = "within" if last <= 1.3 * first else "ABOVE"
    print(f"  last / first ten       {last / first:8.2f}×   ({verdict} the 1.3× target)")
    print(f"  stored state           {result.state_bytes[0]:,} bytes after round 1, {result.state_bytes[1]:,} before the last")


def main(argv: list[str] | None = None) -> int:
    """Run the loop on SQLite, and on PostgreSQL when a URL is given; print the reports."""
    args = parse_args(argv)
    began = perf_counter()
    print(f"{args.cases} cases of {args.rounds} completions each through POST /api/v1/tasks/<id>/complete "
          "(Flask test client, one warm-up case of 20 rounds first); targets reported, never enforced")
    runs = run([None, args.database_url] if args.database_url else [None], args)
    sqlite_run = runs[0]
    report(sqlite_run, args.rounds)
    whole_sqlite = summarize(sqlite_run.everything()).median
    print(f"  median within 4 ms on SQLite? {'yes' if whole_sqlite <= 0.004 else 'NO'}")
    if args.database_url:
        pg_run = runs[1]
        report(pg_run, args.rounds)
        ratio = summarize(pg_run.everything()).median / whole_sqlite
        print(f"\nPostgreSQL / SQLite median completion: {ratio:.2f}× (target at most 1.5×)")
    print(f"(total benchmark time {perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
