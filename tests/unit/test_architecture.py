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
    assert "sqlalchemy" in _imports(ENGINE / "persistence" / "models.py")


# The rooms of the engine from the bottom up: a module imports its own room and the rooms below, never one above.
# The kernel (errors, configuration, clock, calendar, groups, bounded JSON) is at the top of engine/ with the context, which
# ties bundles and persistence together for everything above them.
LAYERS = ["kernel", "bundles", "persistence", "context", "access", "notifications", "library", "procedure", "reading"]
KERNEL = {"__init__", "errors", "config", "clock", "calendar", "groups", "bounded_json", "context"}


def _room(parts: tuple[str, ...]) -> str:
    if len(parts) > 1 and parts[0] in LAYERS:
        return parts[0]
    return "context" if parts[0] == "context" else "kernel"


def _engine_imports(path: Path) -> set[tuple[str, ...]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[tuple[str, ...]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("engine."):
            found.add(tuple(node.module.split(".")[1:]))
        elif isinstance(node, ast.ImportFrom) and node.module == "engine":
            found.update((alias.name,) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(tuple(a.name.split(".")[1:]) for a in node.names if a.name.startswith("engine."))
    return found


def test_the_top_of_the_engine_holds_only_the_kernel_and_its_rooms() -> None:
    assert {p.stem for p in ENGINE.glob("*.py")} == KERNEL
    assert {p.name for p in ENGINE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(LAYERS) - {"kernel", "context"}


def test_no_module_imports_a_room_above_its_own() -> None:
    upward = []
    for path in ENGINE.rglob("*.py"):
        own = _room(path.relative_to(ENGINE).with_suffix("").parts)
        for imported in _engine_imports(path):
            room = _room(imported)
            if LAYERS.index(room) > LAYERS.index(own):
                upward.append(f"{path.relative_to(ENGINE)} ({own}) imports engine.{'.'.join(imported)} ({room})")
    assert upward == []


def test_the_room_check_sees_imports() -> None:
    # Guards the guard: a procedure module's imports of persistence are found and ranked below it.
    imported = _engine_imports(ENGINE / "procedure" / "services.py")
    assert ("persistence", "case_rows") in imported
    assert LAYERS.index(_room(("persistence", "case_rows"))) < LAYERS.index(_room(("procedure", "services")))
