"""Installing the browser libraries runs no dependency's install script and turns telemetry off."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_npmrc_disables_install_scripts() -> None:
    settings = {}
    for line in (ROOT / ".npmrc").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    assert settings.get("ignore-scripts") == "true"


def test_the_makefiles_npm_install_ignores_scripts_and_disables_telemetry() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    calls = [line for line in makefile.splitlines() if re.search(r"\bnpm (ci|install|i)\b", line)]
    assert calls
    variables = dict(re.findall(r"^(\w+) :?= (.*)$", makefile, re.MULTILINE))
    for call in calls:
        expanded = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), ""), call)
        assert "--ignore-scripts" in expanded
        for setting in ("SCARF_ANALYTICS=false", "DO_NOT_TRACK=1", "IBM_TELEMETRY_DISABLED=true"):
            assert setting in expanded, setting


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_itself_reads_the_setting_in_the_project() -> None:
    found = subprocess.run(["npm", "config", "get", "ignore-scripts"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60, check=True)
    assert found.stdout.strip() == "true"
