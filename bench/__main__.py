"""Command line: `python -m bench [--repeat N] [--warmup W]`."""

from __future__ import annotations

import argparse
import gc
import platform
import sqlite3
import sys
from importlib.metadata import version
from time import perf_counter

from . import report
from .case import BPMN_FILE, STEPS
from .raw import RawVariant
from .service import ServiceVariant
from .timing import CaseTiming, Variant


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the repetition counts."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="Time one 12-user-task case, raw Spiff vs rcjc.")
    parser.add_argument("--repeat", type=int, default=30, help="measured cases per variant (default 30, at least 2)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured cases per variant first (default 3)")
    args = parser.parse_args(argv)
    if args.repeat < 2 or args.warmup < 0:
        parser.error("--repeat must be at least 2 and --warmup not negative")
    return args


def measure(variants: list[Variant], repeat: int, warmup: int) -> dict[str, list[CaseTiming]]:
    """Warm every variant up, then run the variants in turn so that drift in machine speed hits both alike."""
    for variant in variants:
        for _ in range(warmup):
            variant.run_case()
    runs: dict[str, list[CaseTiming]] = {v.label: [] for v in variants}
    for _ in range(repeat):
        for variant in variants:
            gc.collect()
            runs[variant.label].append(variant.run_case())
    return runs


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report; exit status 1 if the variants did not run the same case."""
    args = parse_args(argv)
    began = perf_counter()
    print(f"case: {BPMN_FILE.name} — {len(STEPS)} user tasks, 3 exclusive gateways, 1 script task, "
          "1 non-interrupting boundary timer")
    print(f"Python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"SQLAlchemy {version('SQLAlchemy')}, SQLite {sqlite3.sqlite_version}; "
          f"{args.repeat} measured cases per variant after {args.warmup} warm-up cases")
    variants: list[Variant] = [RawVariant(), ServiceVariant()]
    try:
        report.print_setup(variants)
        runs = measure(variants, args.repeat, args.warmup)
        traces = {v.label: v.trace() for v in variants}
    finally:
        for variant in variants:
            variant.close()
    summaries = report.print_whole_case(variants, runs)
    report.print_steps(variants, runs)
    report.print_states(variants, traces)
    print("\nsame case in both variants:")
    ok = report.print_checks(variants, traces)
    report.print_ratio(variants, summaries)
    print(f"\n(total benchmark time {perf_counter() - began:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
