"""Reading bundle files from paths given on the command line or shipped with the product."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from engine.bundles.definitions import kind_of

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "processes", ROOT / "forms")


def collect(paths: Iterable[Path]) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Files by bundle name (their base name) and where each came from; folders give their model files."""
    files: dict[str, bytes] = {}
    origin: dict[str, Path] = {}
    for path in paths:
        members = sorted(p for p in path.iterdir() if kind_of(p.name)) if path.is_dir() else [path]
        for member in members:
            if member.name in origin:
                raise ValueError(f"two files named {member.name}: {origin[member.name]} and {member}")
            files[member.name] = member.read_bytes()
            origin[member.name] = member
    return files, origin
