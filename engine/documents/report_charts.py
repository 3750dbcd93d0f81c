"""Charts of the annual report as PNG images (matplotlib, no display), in the Noto CJK fonts the documents use."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

# The charts are drawn off screen: the server has no display.
import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

FONT = ["Noto Sans CJK SC", "Noto Serif CJK SC"]
COLOURS = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272"]


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]], stacked: bool = False) -> bytes:
    """A bar chart (grouped, or stacked) as PNG bytes, each bar labelled with its number."""
    figure = Figure(figsize=(6.4, 3.0), dpi=150)
    axes = figure.subplots()
    count = max(len(series), 1)
    width = 0.8 if stacked else 0.8 / count
    bottoms = [0.0] * len(labels)
    for i, (name, values) in enumerate(series):
        numbers = [float(v or 0) for v in values]
        offsets = [x if stacked else x - 0.4 + width * (i + 0.5) for x in range(len(labels))]
        bars = axes.bar(offsets, numbers, width, bottom=bottoms if stacked else None, label=name,
                        color=COLOURS[i % len(COLOURS)])
        axes.bar_label(bars, labels=[f"{n:g}" if n else "" for n in numbers], fontsize=7,
                       label_type="center" if stacked else "edge", fontfamily=FONT)
        if stacked:
            bottoms = [b + n for b, n in zip(bottoms, numbers, strict=True)]
    axes.set_xticks(range(len(labels)), [str(label) for label in labels], fontsize=8, fontfamily=FONT,
                    rotation=30 if len(labels) > 5 else 0, ha="right" if len(labels) > 5 else "center")
    axes.set_title(title, fontsize=10, fontfamily=FONT)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(prop={"family": FONT, "size": 7}, frameon=False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
