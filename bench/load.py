"""Command line: `python -m bench.load [--servers 2] [--users 40] [--seconds 60] [--database-url URL]`.

A load test with Locust, headless and local only, bounded in time. It starts `rcjc serve --no-timers`
processes on a fresh PostgreSQL schema (or a SQLite file without a URL). The simulated people then work their
inboxes: applicant units file applications, intake officers list their group's queue, claim a task, open it and
accept it. The requests are spread over the servers. It prints throughput, the p50/p95/p99 response times per
request kind and overall, and the error count. It never fails on time.
"""

from __future__ import annotations

# Locust runs on gevent, which must patch the standard library before anything else imports it.
from gevent import monkey  # isort: skip

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from engine.access.demo_users import DEMO_PASSWORD  # noqa: E402

from . import seed_figures  # noqa: E402

APPLICATION = {"cadre_name": "张明", "cadre_unit": "示例区发展和改革局", "cadre_position": "副局长",
               "matter": "产业园区招商政策先行先试", "matter_date": "2025-11-03", "facts": "经局党组集体研究先行试点。",
               "loss_amount": 12000, "domain": "investment_promotion", "circumstance": "pilot_reform",
               "evidence_list": "党组会议纪要"}
ACCEPT = {"jurisdiction_ok": True, "materials_complete": True, "acceptance": "accept", "acceptance_reason": "材料齐全"}
SERVERS: list[str] = []
CONFLICTS: dict[str, int] = {}
_turn = itertools.count()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the size and length of the run."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description="Locust load test against rcjc serve.")
    parser.add_argument("--servers", type=int, default=2, help="rcjc serve processes (default 2)")
    parser.add_argument("--users", type=int, default=40, help="simulated people (default 40)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the run (default 60, at most 600)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="a PostgreSQL URL (default $DATABASE_URL): a schema of its own, dropped after")
    args = parser.parse_args(argv)
    if not (1 <= args.servers <= 8 and 1 <= args.users <= 1000 and 1 <= args.seconds <= 600):
        parser.error("--servers 1–8, --users 1–1000, --seconds 1–600")
    return args


def _next_server() -> str:
    return SERVERS[next(_turn) % len(SERVERS)]


class Person(HttpUser):
    """Signs in with a bearer token on one server; each request goes to the next server, as a proxy would."""

    abstract = True
    username = ""
    wait_time = between(0.05, 0.3)
    host = "http://127.0.0.1"

    def on_start(self) -> None:
        answer = self.client.post(f"{_next_server()}/api/v1/auth/token", name="sign in",
                                  json={"username": self.username, "password": DEMO_PASSWORD}).json()
        self.headers = {"Authorization": f"Bearer {answer['token']}"}

    def call(self, method: str, path: str, name: str, body: Any = None) -> Any:
        with self.client.request(method, f"{_next_server()}/api/v1{path}", name=name, json=body, headers=self.headers,
                                 catch_response=True) as response:
            if response.status_code == 409:
                # Two sessions of the one demo intake officer took the same task: the loser is told, as designed.
                CONFLICTS[name] = CONFLICTS.get(name, 0) + 1
                response.success()
                return None
            return response.json() if response.ok and response.content else None


class Applicant(Person):
    """An applicant unit filing applications."""

    username = "applicant"
    weight = 1

    @task
    def file(self) -> None:
        self.call("POST", "/cases", "POST /cases", {"process_id": "rcjc_case", "data": APPLICATION})


class Intake(Person):
    """An intake officer working the group's queue."""

    username = "intake"
    weight = 3

    @task(3)
    def accept_one(self) -> None:
        queue = self.call("GET", "/tasks?group=intake&per_page=20", "GET /tasks?group") or {"items": []}
        waiting = [t for t in queue["items"] if t["bpmn_id"] == "acceptance_review"]
        if not waiting:
            return
        task_id = random.choice(waiting)["id"]
        if self.call("POST", f"/tasks/{task_id}/claim", "POST /tasks/{id}/claim") is None:
            return
        self.call("GET", f"/tasks/{task_id}", "GET /tasks/{id}")
        self.call("POST", f"/tasks/{task_id}/complete", "POST /tasks/{id}/complete", {"data": ACCEPT})

    @task(1)
    def inbox(self) -> None:
        self.call("GET", "/tasks?mine=true", "GET /tasks?mine")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def servers(url: str, count: int, folder: Path) -> Iterator[list[str]]:
    """`count` rcjc serve processes on the database at `url`, stopped at the end."""
    script = Path(sys.executable).with_name("rcjc")
    env = {**os.environ, "DATABASE_URL": url}
    running: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for n in range(count):
            port = free_port()
            with (folder / f"serve{n}.log").open("wb") as log:
                running.append(subprocess.Popen([str(script), "serve", "--port", str(port), "--no-timers"], env=env,
                                                stdout=log, stderr=subprocess.STDOUT))
            bases.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while not all(_up(b) for b in bases):
            if time.monotonic() > deadline:
                raise RuntimeError("the servers did not start: see " + str(folder))
            time.sleep(0.2)
        yield bases
    finally:
        for proc in running:
            proc.terminate()
        for proc in running:
            proc.wait(timeout=30)


def report(env: Environment, seconds: float) -> None:
    """Throughput, percentiles per request kind and overall, errors."""
    print(f"  {'request':<28}{'count':>7}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    rows = sorted(env.stats.entries.values(), key=lambda e: e.name)
    for entry in [*rows, env.stats.total]:
        name = entry.name if entry is not env.stats.total else "all"
        print(f"  {name:<28}{entry.num_requests:>7}{entry.num_failures:>8}{entry.num_requests / seconds:>8.1f}"
              f"{entry.get_response_time_percentile(0.5):>8.0f}{entry.get_response_time_percentile(0.95):>8.0f}"
              f"{entry.get_response_time_percentile(0.99):>8.0f}")
    for name, n in sorted(CONFLICTS.items()):
        print(f"  409 answered {n}× to {name}: the same task taken by two sessions of one user (not an error)")
    for error in env.stats.errors.values():
        print(f"  error ×{error.occurrences}: {error.method} {error.name}: {str(error.error)[:120]}")


def main(argv: list[str] | None = None) -> int:
    """Prepare the database, start the servers, run Locust for the given time and print the figures."""
    args = parse_args(argv)
    with seed_figures.fresh_context(args.database_url) as (ctx, url, where), tempfile.TemporaryDirectory() as folder:
        seed_figures.initialize(ctx)
        with servers(url, args.servers, Path(folder)) as bases:
            SERVERS[:] = bases
            env = Environment(user_classes=[Applicant, Intake])
            runner = env.create_local_runner()
            began = time.monotonic()
            runner.start(args.users, spawn_rate=max(1, args.users / 5))
            gevent.spawn_later(args.seconds, runner.quit)
            runner.greenlet.join()
            elapsed = time.monotonic() - began
        print(f"{where}; {args.servers} rcjc serve processes (waitress, 8 threads each), {args.users} simulated people "
              f"(applicants 1 : intake 3), {elapsed:.0f} s")
        report(env, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
