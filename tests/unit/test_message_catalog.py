"""The engine's messages have English: every Chinese template the engine refuses with is a msgid of the English catalog,
with the same parameters, so a message cannot reach an English reader untranslated."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
EN_CATALOG = ROOT / "webapp" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
ZH_CATALOG = ROOT / "webapp" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdrg]")
ERRORS = frozenset({"EngineError", "NotFound", "Unauthenticated", "Forbidden", "Conflict", "TaskNotReady", "FormInvalid",
                    "FileTooLarge", "ModelInvalid", "ScriptFailed", "TooManyAttempts", "BadCredentials"})
# Every Chinese text of these modules is a message shown under a form field or as a refusal.
MESSAGE_MODULES = ("bundles/form_submissions.py", "bundles/form_conditions.py", "access/policy.py")


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _texts(node: ast.AST, skip: set[int]) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and CHINESE.search(n.value) and id(n) not in skip}


def _module_templates(source: str, whole: bool) -> tuple[set[str], list[str]]:
    """(templates, f-strings that should be templates) of one module."""
    tree = ast.parse(source)
    skip = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    skip |= {id(n.body[0].value) for n in ast.walk(tree)
             if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body and isinstance(n.body[0], ast.Expr)}
    if whole:
        return _texts(tree, skip), []
    constants = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                 if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
    found: set[str] = set()
    loose: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _name(node.exc) in ERRORS:
            found |= _texts(node, skip)
            found |= {c.value for n in ast.walk(node) if isinstance(n, ast.Name) and (c := constants.get(n.id))
                      and isinstance(c.value, str) and CHINESE.search(c.value)}
            loose += [ast.unparse(n) for n in ast.walk(node) if isinstance(n, ast.JoinedStr) and _texts(n, set())]
        elif isinstance(node, ast.Call) and _name(node) in ("Message", "ScriptFailed", "Problem"):
            found |= _texts(node, skip)
        elif isinstance(node, ast.arguments):
            found |= {d.value for d in node.defaults + [k for k in node.kw_defaults if k is not None]
                      if isinstance(d, ast.Constant) and isinstance(d.value, str) and CHINESE.search(d.value)}
    return found, loose


def engine_templates() -> tuple[set[str], list[str]]:
    """Every Chinese message template of the engine, and the f-strings that are still not templates."""
    templates: set[str] = set()
    loose: list[str] = []
    for path in sorted(ENGINE.rglob("*.py")):
        relative = path.relative_to(ENGINE).as_posix()
        found, strays = _module_templates(path.read_text(encoding="utf-8"), relative in MESSAGE_MODULES)
        templates |= found
        loose += [f"{relative}: {s}" for s in strays]
    return templates, loose


def _catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_engine_message_has_english() -> None:
    templates, _ = engine_templates()
    catalog = _catalog(EN_CATALOG)
    missing = sorted(t for t in templates if not (catalog.get(t) and catalog.get(t).string))
    assert missing == []


def test_the_english_text_takes_the_same_parameters() -> None:
    catalog = _catalog(EN_CATALOG)
    differing = [m.id for m in catalog if m.id and sorted(PLACEHOLDER.findall(str(m.id)))
                 != sorted(PLACEHOLDER.findall(str(m.string)))]
    assert differing == []


def test_engine_messages_are_templates_not_f_strings() -> None:
    # An f-string message is Chinese already filled in: the catalog cannot hold it.
    _, loose = engine_templates()
    assert loose == []


def test_the_english_catalog_leaves_the_ui_texts_alone() -> None:
    # The UI's msgids are English and have no entry in the English catalog, so English pages show them unchanged.
    english_ids = {m.id for m in _catalog(EN_CATALOG) if m.id}
    ui_ids = {m.id for m in _catalog(ZH_CATALOG) if m.id}
    assert english_ids & ui_ids == set()
    assert all(CHINESE.search(str(i)) for i in english_ids)


def test_the_collector_sees_templates_and_strays() -> None:
    # Guards the guard: a raise with a template, one with a constant and one with an f-string are all noticed.
    source = ('LIMIT = "太多了"\n'
              'def f(n):\n'
              '    raise NotFound("案件 %(n)s 不存在", n=n)\n'
              '    raise Conflict(LIMIT)\n'
              '    raise Forbidden(f"用户 {n} 不能")\n')
    found, loose = _module_templates(source, whole=False)
    assert found == {"案件 %(n)s 不存在", "太多了"}
    assert len(loose) == 1 and "用户" in loose[0]
