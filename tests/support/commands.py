"""The `rcjc` command lines that tests run as processes of their own."""

from __future__ import annotations

import sys
from pathlib import Path


def worker_command(*options: str) -> list[str]:
    """The `rcjc worker` command line of the installed console script (or the same through this interpreter)."""
    script = Path(sys.executable).with_name("rcjc")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from webapp.cli import main; main()"]
    return [*command, "worker", *options]


def serve_command(*options: str) -> list[str]:
    """The `rcjc serve` command line, like worker_command."""
    return [*worker_command()[:-1], "serve", *options]
