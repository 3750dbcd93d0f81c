"""Views stay short: a route function longer than MAX_LINES hands its steps to helpers named after what they do."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
MAX_LINES = 25
# The decorators that make a function a route: @bp.get(...), @app.route(...) and their like.
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete"})
# The methods of a flask MethodView that answer requests.
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})


def _is_route_decorator(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ROUTE_DECORATORS


def _is_method_view(node: ast.ClassDef) -> bool:
    names = {base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
             for base in node.bases}
    return "MethodView" in names


def route_functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    """Functions decorated as routes, and the HTTP methods of MethodView classes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_route_decorator(d) for d in node.decorator_list):
            yield node
        elif isinstance(node, ast.ClassDef) and _is_method_view(node):
            yield from (item for item in node.body if isinstance(item, ast.FunctionDef) and item.name in HTTP_METHODS)


def length(function: ast.FunctionDef) -> int:
    """Lines from `def` to the function's last line; decorators do not count."""
    return (function.end_lineno or function.lineno) - function.lineno + 1


def long_views(source: str, where: str) -> list[str]:
    """`where:line name (n lines)` of each route function in the source longer than MAX_LINES."""
    return [f"{where}:{f.lineno} {f.name} ({length(f)} lines)"
            for f in route_functions(ast.parse(source)) if length(f) > MAX_LINES]


def test_no_view_is_longer_than_the_limit() -> None:
    found = [message for path in sorted(WEBAPP.rglob("*.py"))
             for message in long_views(path.read_text(encoding="utf-8"), str(path.relative_to(WEBAPP.parent)))]
    assert found == [], f"views longer than {MAX_LINES} lines; split them into helpers: {found}"


def _body(lines: int, indent: str) -> str:
    return "\n".join(f"{indent}x = {n}" for n in range(lines))


def test_the_check_sees_routes_and_method_views() -> None:
    # Guards the guard: decorated functions and MethodView methods are seen, helpers are not, and lines count right.
    source = "\n".join([
        "@bp.get('/a')", "@login_required", "def page():", _body(MAX_LINES - 1, "    "),
        "@bp.route('/b')", "class Things(MethodView):",
        "    @bp.response(200)", "    def post(self):", _body(MAX_LINES, "        "),
        "    def _helper(self):", _body(MAX_LINES, "        "),
        "def helper():", _body(MAX_LINES, "    "),
    ])
    assert [f.name for f in route_functions(ast.parse(source))] == ["page", "post"]
    post_line = source.splitlines().index("    def post(self):") + 1
    assert long_views(source, "m.py") == [f"m.py:{post_line} post ({MAX_LINES + 1} lines)"]


def test_the_check_reads_every_module_of_the_web_app() -> None:
    views = [f.name for path in WEBAPP.rglob("*.py") for f in route_functions(ast.parse(path.read_text(encoding="utf-8")))]
    assert {"submit", "calendar_page", "get_task", "healthz", "vendor_file"} <= set(views)
