"""Fixtures: the `rcjc` command line on the test's database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner of `rcjc` commands, which find the test's database through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    return CliRunner()
