"""Command line: `python -m bench.timers [--cases N] [--workers W] [--batch B] [--lease S] [--database-url URL]`.

Seeds N cases whose timer is already due, then lets real `rcjc worker` processes fire them: one worker as the
baseline, W workers, and W workers of which one is killed with SIGKILL midway (its leased cases are taken over
once the lease runs out). Prints fired/s, each worker's share and whether every timer fired exactly once; exit
status 1 when one did not. Never fails on time.

The cases are copies of one case started through the service layer on bench/models/timer (a one-second timer,
then a script, then the end): the same state, and an audit chain of their own so that firing appends to a
chain as it does in production.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import IO, Any

from sqlalchemy import Connection, func, insert, select, update

from engine.access.policy import SYSTEM, Actor
from engine.clock import SystemClock
from engine.config import load_config
from engine.context import EngineContext
from engine.library.deploy import deploy
from engine.persistence import schema
from engine.persistence.audit_key import GENESIS, AuditKey, anchor_mac, case_chain, hashed_text
from engine.persistence.models import AuditAnchor, AuditEvent, Case, table
from engine.procedure import services
from engine.procedure.timers import DEFAULT_BATCH

from . import seed_figures

MODELS = Path(__file__).resolve().parent / "models" / "timer"
PROCESS_ID = "bench_timer"
STARTER = Actor("bench_starter", frozenset({"intake"}))
CASES, EVENTS, ANCHORS = table(Case), table(AuditEvent), table(AuditAnchor)
CHUNK = 1000
POLL = 0.02  # seconds between looks at what is still due


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the case count, the workers' options and the database."""
    parser = argparse.ArgumentParser(prog="python -m bench.timers", description="Fire due timers with rcjc worker processes.")
    parser.add_argument("--cases", type=int, default=3000, help="due cases per run (default 3000)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes of the shared runs (default 3, at least 2)")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                        help=f"cases a worker claims at a time (default {DEFAULT_BATCH}, as `rcjc worker`)")
    parser.add_argument("--lease", type=float, default=3.0,
                        help="seconds a claim holds (default 3): how long a killed worker's cases wait")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or None,
                        help="a PostgreSQL URL (default $DATABASE_URL): a schema of its own, dropped after; "
                             "without it a SQLite file in a temporary folder")
    args = parser.parse_args(argv)
    if args.cases < 10 or args.workers < 2 or args.batch < 1 or args.lease < 1:
        parser.error("--cases at least 10, --workers at least 2, --batch positive, --lease at least 1")
    return args


@dataclass
class Template:
    """The case every seeded case copies: its row and its audit events, without ids."""

    row: dict[str, Any]
    events: list[dict[str, Any]]


def prepare(ctx: EngineContext) -> Template:
    """Create the schema, deploy the timer model and start the one case the others copy; set it aside after."""
    schema.upgrade(ctx.db)
    deploy(ctx, SYSTEM, {p.name: p.read_bytes() for p in sorted(MODELS.iterdir()) if p.suffix in (".bpmn", ".json")})
    case_id = services.start_case(ctx, STARTER, PROCESS_ID, "standard", {"matter": "定时基准"}).case_id
    with ctx.db.begin() as conn:
        row = dict(conn.execute(select(CASES).where(CASES.c.id == case_id)).one()._mapping)
        events = [dict(e._mapping) for e in conn.execute(
            select(EVENTS).where(EVENTS.c.chain == case_chain(case_id)).order_by(EVENTS.c.seq))]
        # Only the copies are to be due: the template would otherwise fire in the first run.
        conn.execute(update(CASES).where(CASES.c.id == case_id).values(status="terminated", next_timer_at=None))
    if row["next_timer_at"] is None or not events:
        raise RuntimeError("the template case waits on no timer or has no audit events")
    for values in (row, *events):
        values.pop("id")
    return Template(row, events)


def _chain_rows(key: AuditKey, case_id: int, template: Template) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The template's events re-linked into the chain of `case_id`, and that chain's anchor."""
    chain, prev, rows = case_chain(case_id), GENESIS, []
    for event in template.events:
        fields = {**event, "chain": chain, "case_id": case_id, "prev_hash": prev, "key_id": key.id}
        fields["hash"] = prev = key.mac(hashed_text(fields, key.id))
        rows.append(fields)
    seq = len(rows)
    return rows, {"chain": chain, "seq": seq, "hash": prev, "key_id": key.id, "mac": anchor_mac(key, chain, seq, prev)}


def seed(ctx: EngineContext, template: Template, count: int) -> list[int]:
    """Write `count` copies of the template with explicit ids after the highest one; their ids."""
    with ctx.db.begin() as conn:
        first = (conn.scalar(select(func.max(CASES.c.id))) or 0) + 1
        ids = list(range(first, first + count))
        for start in range(0, count, CHUNK):
            cases, events, anchors = [], [], []
            for case_id in ids[start:start + CHUNK]:
                chain_events, anchor = _chain_rows(ctx.audit_key, case_id, template)
                cases.append({**template.row, "id": case_id, "audit_seq": anchor["seq"], "audit_head": anchor["hash"]})
                events += chain_events
                anchors.append(anchor)
            conn.execute(insert(CASES), cases)
            conn.execute(insert(EVENTS), events)
            conn.execute(insert(ANCHORS), anchors)
    return ids


def due_left(conn: Connection, ids: list[int]) -> int:
    """Seeded cases whose timer has not fired yet."""
    return conn.scalar(select(func.count()).select_from(CASES).where(
        CASES.c.id.between(ids[0], ids[-1]), CASES.c.next_timer_at.is_not(None))) or 0


def leased_by(conn: Connection, ids: list[int], pid: int) -> dict[int, datetime]:
    """The seeded cases still due that the worker with this process id holds, with their lease ends."""
    return {case_id: until for case_id, until in conn.execute(select(CASES.c.id, CASES.c.lease_until).where(
        CASES.c.id.between(ids[0], ids[-1]), CASES.c.next_timer_at.is_not(None),
        CASES.c.lease_owner.like(f"%:{pid}:%")))}


def worker_command(*options: str) -> list[str]:
    """The installed `rcjc worker` console script (or the same command through this interpreter)."""
    script = Path(sys.executable).with_name("rcjc")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from webapp.cli import main; main()"]
    return [*command, "worker", *options]


@dataclass
class Outcome:
    """One run: how long it took, who fired what, and what went wrong."""

    label: str
    count: int
    wall: float = 0.0  # from the seeded cases' commit (the workers already running) until none is due
    window: float = 0.0  # from the first timer fired to the last, as the events record it
    per_worker: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    taken_over: int = 0

    @property
    def rate(self) -> float:
        """Timers fired per second over the firing window."""
        return self.count / self.window if self.window > 0 else 0.0


class Workers:
    """`rcjc worker` processes on the benchmark's database, their output in files; all stopped at the end."""

    def __init__(self, env: dict[str, str], folder: Path, options: list[str]) -> None:
        self.env, self.folder, self.options = env, folder, options
        self.procs: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        """Start one worker."""
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen(worker_command(*self.options), env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((name, proc, log))
        return proc

    def wait_started(self, timeout: float) -> bool:
        """Wait until every worker has said it started; False when one exited or the time ran out first."""
        deadline = perf_counter() + timeout
        while perf_counter() < deadline:
            if any(proc.poll() is not None for _, proc, _ in self.procs):
                return False
            if all(" started" in (self.folder / f"{name}.log").read_text(errors="replace") for name, _, _ in self.procs):
                return True
            time.sleep(POLL)
        return False

    def name_of(self, owner: str) -> str:
        """The benchmark's name of the worker that signs events as `owner` (host:pid:random)."""
        pid = owner.split(":")[-2] if owner.count(":") >= 2 else ""
        return next((name for name, proc, _ in self.procs if str(proc.pid) == pid), owner)

    def stop(self) -> list[str]:
        """SIGTERM every live worker and wait; problems (a worker that did not exit cleanly)."""
        problems = []
        for name, proc, log in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    problems.append(f"{name} did not stop on SIGTERM")
            if proc.returncode not in (0, -signal.SIGKILL):
                problems.append(f"{name} exited with status {proc.returncode}")
            log.close()
        return problems

    def output(self) -> str:
        """What every worker printed on stderr (start, stop, failures)."""
        return "\n".join(f"--- {name}\n" + "\n".join(line for line in (self.folder / f"{name}.log").read_text(
            errors="replace").splitlines() if not line.startswith("fired timers")) for name, _, _ in self.procs)


def check(ctx: EngineContext, ids: list[int], outcome: Outcome, workers: Workers,
          leased: dict[int, datetime]) -> None:
    """Count each seeded case's timer_fired events (exactly one each) and what is still due or failed."""
    with ctx.db.connect() as conn:
        events = conn.execute(select(EVENTS.c.case_id, EVENTS.c.at, EVENTS.c.details).where(
            EVENTS.c.case_id.between(ids[0], ids[-1]), EVENTS.c.event == "timer_fired")).all()
        left = due_left(conn, ids)
        statuses: dict[str, int] = dict(conn.execute(select(CASES.c.status, func.count()).where(
            CASES.c.id.between(ids[0], ids[-1])).group_by(CASES.c.status)).all())
    per_case = Counter(e.case_id for e in events)
    twice = sum(1 for n in per_case.values() if n > 1)
    never = len(ids) - len(per_case)
    if twice:
        outcome.problems.append(f"{twice} case(s) fired more than once")
    if never:
        outcome.problems.append(f"{never} case(s) never fired")
    if left:
        outcome.problems.append(f"{left} case(s) still due")
    if set(statuses) != {"completed"}:
        outcome.problems.append(f"cases by status: {statuses}")
    early = [e.case_id for e in events if e.case_id in leased and e.at <= leased[e.case_id]]
    if early:
        outcome.problems.append(f"{len(early)} case(s) of the killed worker fired before its lease ran out")
    outcome.taken_over = len(leased)
    outcome.per_worker = dict(sorted(Counter(workers.name_of(str(e.details.get("worker", "?"))) for e in events).items()))
    if events:
        outcome.window = (max(e.at for e in events) - min(e.at for e in events)).total_seconds()


def run(ctx: EngineContext, template: Template, env: dict[str, str], args: argparse.Namespace,
        workers_count: int, kill: bool, label: str) -> Outcome:
    """Start the workers, seed once all have started, optionally kill one a third of the way, wait until nothing
    is due, check."""
    outcome = Outcome(label, args.cases)
    options = ["--interval", "0.05", "--batch", str(args.batch), "--lease", str(args.lease)]
    leased: dict[int, datetime] = {}
    ids: list[int] = []
    with tempfile.TemporaryDirectory(prefix="rcjc-bench-timers-") as folder:
        workers = Workers(env, Path(folder), options)
        try:
            procs = [workers.start(f"w{n + 1}") for n in range(workers_count)]
            # Seeded only once every worker is up, so that none of them starts late into the run.
            if not workers.wait_started(timeout=120):
                outcome.problems.append("a worker did not start")
                return outcome
            ids = seed(ctx, template, args.cases)
            began = perf_counter()
            killed = not kill
            # Generous: even at 10 fired/s and a lease to wait out, the run ends well within it.
            deadline = began + 120 + args.cases / 10
            with ctx.db.connect() as conn:
                alive = True
                while (left := due_left(conn, ids)) and alive and perf_counter() < deadline:
                    conn.rollback()  # a fresh snapshot on the next look
                    # Killed a third of the way, while it holds a batch: those cases wait out their lease.
                    if not killed and left <= len(ids) * 2 // 3 and leased_by(conn, ids, procs[0].pid):
                        procs[0].send_signal(signal.SIGKILL)
                        procs[0].wait()
                        killed = True
                        workers.procs[0] = ("w1 (killed)", *workers.procs[0][1:])
                        conn.rollback()
                        leased = leased_by(conn, ids, procs[0].pid)
                    time.sleep(POLL)
                    alive = any(proc.poll() is None for proc in procs)
            outcome.wall = perf_counter() - began
            if left:
                outcome.problems.append(f"{left} case(s) still due when the run ended" + ("" if alive else " (no worker left)"))
        finally:
            outcome.problems += workers.stop()
            if ids:
                check(ctx, ids, outcome, workers, leased)
            if outcome.problems:
                print(workers.output(), file=sys.stderr)
    return outcome


def report(outcome: Outcome) -> None:
    """Print one run's figures."""
    shares = ", ".join(f"{name} {n:,}" for name, n in outcome.per_worker.items())
    print(f"  {outcome.label:<32}{outcome.rate:>9.0f}/s  ({outcome.count:,} in {outcome.window:.2f} s firing, "
          f"{outcome.wall:.2f} s until none due: {outcome.count / max(outcome.wall, 1e-9):.0f}/s)")
    print(f"  {'':<32}per worker: {shares}")
    if outcome.taken_over:
        print(f"  {'':<32}{outcome.taken_over} case(s) leased by the killed worker, taken over after the lease")
    print(f"  {'':<32}exactly once: " + ("yes" if not outcome.problems else "NO — " + "; ".join(outcome.problems)))


def main(argv: list[str] | None = None) -> int:
    """Run the baseline, the shared run and the run with a killed worker on a fresh database; print the report."""
    args = parse_args(argv)
    began = perf_counter()
    key_text = secrets.token_hex(32)
    with seed_figures.database(args.database_url) as (url, where):
        ctx = EngineContext.create(url, load_config(), SystemClock(), AuditKey.from_text(key_text))
        try:
            template = prepare(ctx)
            # The copies are due once the template's one-second timer is.
            time.sleep(max(0.0, (template.row["next_timer_at"] - ctx.clock.now()).total_seconds() + 0.05))
            env = {**os.environ, "DATABASE_URL": url, "RCJC_AUDIT_KEY": key_text}
            print(f"database: {where}; {args.cases:,} due cases per run, batch {args.batch}, lease {args.lease:g} s, "
                  f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} before")
            print("fired/s over the firing window (first to last timer_fired event); never enforced")
            outcomes = [
                run(ctx, template, env, args, 1, False, "1 worker (baseline)"),
                run(ctx, template, env, args, args.workers, False, f"{args.workers} workers"),
                run(ctx, template, env, args, args.workers, True, f"{args.workers} workers, one SIGKILLed"),
            ]
        finally:
            ctx.db.dispose()
    for outcome in outcomes:
        report(outcome)
    base = outcomes[0].rate or 1e-9
    print(f"ratio to 1 worker: {args.workers} workers {outcomes[1].rate / base:.2f}x, "
          f"one killed {outcomes[2].rate / base:.2f}x")
    # Other work on the machine takes CPU from the workers and the database alike: the figures drop with it.
    print(f"(total benchmark time {perf_counter() - began:.1f} s; load average {os.getloadavg()[0]:.1f} after)")
    return 0 if all(not o.problems for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
