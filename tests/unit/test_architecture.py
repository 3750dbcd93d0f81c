"""The dependency rules and the size of modules: the engine never imports the web layer or Flask and its rooms import
only downwards; tests share helpers through tests.support, never by importing one another; no module passes 400 lines."""

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
LAYERS = ["kernel", "bundles", "persistence", "context", "files", "access", "notifications", "library", "documents",
          "procedure", "reading"]
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


PROJECT = ENGINE.parent
SOURCE_FOLDERS = ("engine", "webapp", "tests", "bench")
MAX_LINES = 400


def _too_long(paths: list[Path]) -> dict[str, int]:
    """The modules among `paths` longer than MAX_LINES, with their number of lines."""
    counted = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in paths}
    return {path.name if not path.is_relative_to(PROJECT) else str(path.relative_to(PROJECT)): n
            for path, n in counted.items() if n > MAX_LINES}


def test_no_module_is_longer_than_400_lines() -> None:
    assert _too_long([path for folder in SOURCE_FOLDERS for path in sorted((PROJECT / folder).rglob("*.py"))]) == {}


def test_the_length_check_reads_every_folder_and_counts_lines(tmp_path: Path) -> None:
    # Guards the guard: each folder has modules for the check to read, and one line too many is seen.
    for folder in SOURCE_FOLDERS:
        assert any((PROJECT / folder).rglob("*.py")), folder
    (tmp_path / "fits.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert _too_long(sorted(tmp_path.glob("*.py"))) == {"long.py": MAX_LINES + 1}


TESTS = PROJECT / "tests"


def _tests_imported(source: str, package: tuple[str, ...]) -> set[str]:
    """The test modules and conftest files that code in `package` (e.g. ("tests", "ui")) imports, as dotted names."""
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, *(node.module.split(".") if node.module else ())))
            imported.add(module)
            imported.update(f"{module}.{alias.name}" for alias in node.names)
    found = set()
    for name in imported:
        parts = name.split(".")
        if parts[0] not in ("tests", "conftest"):
            continue
        for end, part in enumerate(parts):
            if part == "conftest" or part.startswith("test_"):
                found.add(".".join(parts[: end + 1]))
                break
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        package = path.relative_to(PROJECT).parent.parts
        imported = _tests_imported(path.read_text(encoding="utf-8"), package)
        if imported:
            offenders[str(path.relative_to(PROJECT))] = sorted(imported)
    assert offenders == {}


def test_the_test_import_check_sees_absolute_relative_and_conftest_imports() -> None:
    # Guards the guard: each way of importing a test module or a conftest is seen, and the shared helpers are not.
    source = (
        "from .test_pages import browser\n"
        "from ..conftest import make_context\n"
        "from tests.e2e import test_ordinary\n"
        "import tests.api.test_tokens\n"
        "from conftest import PEOPLE\n"
        "from tests.support.pages import new_browser\n"
    )
    assert _tests_imported(source, ("tests", "ui")) == {
        "tests.ui.test_pages", "tests.conftest", "tests.e2e.test_ordinary", "tests.api.test_tokens", "conftest",
    }
