"""The dependency rule: the engine never imports the web layer or Flask."""

from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = ("flask", "webapp", "flask_smorest", "flask_babel")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_does_not_import_flask_or_webapp() -> None:
    offenders = {
        str(path.relative_to(ENGINE)): sorted(_imports(path) & set(FORBIDDEN))
        for path in ENGINE.rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_the_check_sees_imports() -> None:
    # Guards the guard: the import reader must find a real import in an engine module.
    assert "sqlalchemy" in _imports(ENGINE / "models.py")
