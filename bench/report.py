"""Printing the benchmark results as plain-text tables."""

from __future__ import annotations

from collections.abc import Sequence

from .case import STEPS
from .stats import Summary, step_medians, summarize
from .timing import CaseTiming, CaseTrace, Variant

MIDPOINT = len(STEPS) // 2


def ms(seconds: float) -> str:
    """Seconds as milliseconds with two decimals."""
    return f"{seconds * 1000:8.2f}"


def kb(size: int) -> str:
    """Bytes as kilobytes with one decimal."""
    return f"{size / 1024:7.1f} KB"


def print_setup(variants: Sequence[Variant]) -> None:
    """One-time costs, not part of any case."""
    parts = [f"{v.label}: " + ", ".join(f"{k} {ms(s).strip()} ms" for k, s in v.setup.items()) for v in variants]
    print("one-time set-up (not in the case times): " + "; ".join(parts))


def print_whole_case(variants: Sequence[Variant], runs: dict[str, list[CaseTiming]]) -> dict[str, Summary]:
    """Whole-case statistics per variant and the ratio of the medians; returns the summaries."""
    summaries = {v.label: summarize([t.total for t in runs[v.label]]) for v in variants}
    print(f"\nwhole case, start + {len(STEPS)} steps (ms)   median       p90       p99      mean   cases/s")
    for v in variants:
        s = summaries[v.label]
        print(f"  {v.label:<30}{ms(s.median)}  {ms(s.p90)}  {ms(s.p99)}  {ms(s.mean)}  {1 / s.median:8.1f}")
    return summaries


def print_steps(variants: Sequence[Variant], runs: dict[str, list[CaseTiming]]) -> None:
    """Median of every request, side by side, with the ratio of the last variant to the first."""
    medians = {v.label: step_medians([t.steps for t in runs[v.label]]) for v in variants}
    first, last = variants[0].label, variants[-1].label
    labels = ["start (create case)"] + [f"{s.bpmn_id} ({s.group})" for s in STEPS]
    print(f"\nper request, median (ms)                   {'raw':>8}  {'rcjc':>8}   rcjc/raw")
    for i, label in enumerate(labels):
        a, b = medians[first][i], medians[last][i]
        print(f"  {i:>2} {label:<38}{ms(a)}  {ms(b)}   {b / a:7.1f}x")
    print(f"     {'sum of medians':<38}{ms(sum(medians[first]))}  {ms(sum(medians[last]))}")


def print_states(variants: Sequence[Variant], traces: dict[str, CaseTrace]) -> None:
    """Size of the stored workflow state after the start, at the midpoint and at the end."""
    print(f"\nstored state per case             after start  after step {MIDPOINT}      at end")
    for v in variants:
        t = traces[v.label]
        sizes = t.state_bytes
        print(f"  {v.label:<30}{kb(sizes[0])}   {kb(sizes[MIDPOINT])}   {kb(sizes[-1])}")
        if t.spec_bytes is not None:
            print(f"    of which the embedded spec  {kb(t.spec_bytes)}")


def print_checks(variants: Sequence[Variant], traces: dict[str, CaseTrace]) -> bool:
    """Confirm that every variant walked the same 12 tasks to the same outcome; False if not."""
    expected = tuple(s.bpmn_id for s in STEPS)
    ok = True
    for v in variants:
        t = traces[v.label]
        same = t.path == expected and t.completed
        ok = ok and same
        verdict = "ok" if same else f"MISMATCH: path {t.path}, completed {t.completed}"
        print(f"  {v.label}: {len(t.path)} user tasks, completed, outcome {t.outcome!r} — {verdict}")
        for note in t.notes:
            print(f"    {note}")
    return ok


def print_ratio(variants: Sequence[Variant], summaries: dict[str, Summary]) -> None:
    """The headline: how many times the service layer costs what raw Spiff does, by median whole case."""
    first, last = summaries[variants[0].label], summaries[variants[-1].label]
    print(f"\nratio rcjc/raw of the whole-case medians: {last.median / first.median:.2f}x")
