"""Restricted, time- and size-limited Python for scripts, conditions, timer expressions and DMN cells."""

from __future__ import annotations

import ast
import builtins
import re
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr_raise,
)
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bundles import script_builtins
from engine.bundles import script_guards as guards
from engine.bundles.script_guards import ScriptLimitExceeded
from engine.bundles.script_watchdog import ScriptMemoryExceeded, ScriptTimeout, Watchdog

__all__ = [
    "RestrictedEnvironment", "ScriptCompileError", "ScriptLimitExceeded", "ScriptMemoryExceeded", "ScriptTimeout",
    "check_source", "make_script_engine",
]  # fmt: skip

Mode = Literal["exec", "eval"]
# Spiff looks for this file name in tracebacks to report the failing script line.
_FILENAME = "<string>"
_LINE_RE = re.compile(r"^Line (\d+): ")

_EXTRA_BUILTINS = (
    "len", "min", "max", "sum", "sorted", "any", "all", "round", "abs", "list", "dict", "set",
    "tuple", "str", "int", "float", "bool", "enumerate", "zip", "isinstance",
)  # fmt: skip
# Raising these would slip past Spiff's `except Exception` and take down the worker; `_getattr_` is
# replaced by a stricter guard in the globals.
_REMOVED_BUILTINS = ("BaseException", "GeneratorExit", "KeyboardInterrupt", "SystemExit", "_getattr_")
_CATCHABLE = (
    "ArithmeticError", "AttributeError", "IndexError", "KeyError", "LookupError", "NameError", "TypeError",
    "ValueError", "ZeroDivisionError",
)  # fmt: skip
_FORBIDDEN_ATTRIBUTES = frozenset({"mro"})  # reaches BaseException via ValueError.mro()
# The operators that can build a huge object in one C call; the policy turns them into size-checked calls.
_GUARDED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Mod: "_mod_",
}  # fmt: skip


class ScriptCompileError(SyntaxError):
    """A script was refused at compile time; a SyntaxError so Spiff reports its line number."""

    def __init__(self, problems: list[str], source: str) -> None:
        first = problems[0] if problems else ""
        match = _LINE_RE.match(first)
        line = int(match.group(1)) if match else 1
        lines = source.splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else None
        reason = "；".join(_LINE_RE.sub(r"第 \1 行：", p) for p in problems)
        super().__init__("脚本不允许执行：" + reason, (_FILENAME, line, 1, text))


def _handler_names(handler: ast.ExceptHandler) -> list[ast.expr | None]:
    return list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, minus statements that could swallow the timeout or load code."""

    # Raising from a trace function uncouples it (CPython behaviour), so a script that catches the
    # timeout, or runs a `finally` block after it, would go on unchecked. Handlers may therefore
    # only name a few specific exception classes, and ScriptTimeout (like ScriptMemoryExceeded) is a subclass
    # of none of them.
    def visit_Try(self, node: ast.Try) -> ast.AST:
        if node.finalbody:
            self.error(node, "不允许使用 finally")
        for handler in node.handlers:
            if not all(isinstance(n, ast.Name) and n.id in _CATCHABLE for n in _handler_names(handler)):
                self.error(handler, f"except 只能捕获 {', '.join(_CATCHABLE)}")
        visited = self.node_contents_visit(node)
        # Point the handlers at the real classes through names a script cannot rebind (they start with "_").
        for handler in node.handlers:
            for name in _handler_names(handler):
                if isinstance(name, ast.Name):
                    name.id = f"_catch_{name.id}_"
        return visited

    def visit_With(self, node: ast.With) -> ast.AST:
        self.error(node, "不允许使用 with 语句")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "不允许定义类")
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "不允许 import")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "不允许 import")
        return node

    # The line trace cannot interrupt a single operation running in C, so those that can build a huge result
    # are routed through helpers (engine/bundles/script_guards.py) that check its size before computing it.
    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        visited = self.node_contents_visit(node)
        helper = _GUARDED_OPERATORS.get(type(visited.op))
        if helper is None:
            return visited
        return _helper_call(helper, [visited.left, visited.right], visited)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        visited = self.node_contents_visit(node)
        spec = visited.format_spec if visited.format_spec is not None else ast.Constant("")
        args = [visited.value, ast.Constant(visited.conversion), spec]
        visited.value = _helper_call("_format_", args, visited)
        visited.conversion, visited.format_spec = -1, None
        return visited

    def visit_List(self, node: ast.List) -> ast.AST:
        return _guard_starred(self.node_contents_visit(node))

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        return _guard_starred(self.node_contents_visit(node))


def _helper_call(helper: str, args: list[ast.expr], where: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(helper, ast.Load()), args=args, keywords=[])
    for new in (call, call.func, *(a for a in args if not hasattr(a, "lineno"))):
        ast.copy_location(new, where)
    return call


def _guard_starred(node: ast.List | ast.Tuple) -> ast.List | ast.Tuple:
    # `[*a, *a]` concatenates in C; each unpacked operand is checked against its share of the bound.
    stars = [e for e in node.elts if isinstance(e, ast.Starred)]
    if isinstance(node.ctx, ast.Load):
        for star in stars:
            star.value = _helper_call("_starred_", [star.value, ast.Constant(len(stars))], star)
    return node


@dataclass(frozen=True)
class _Compiled:
    code: CodeType | None
    problems: tuple[str, ...]
    codes: frozenset[CodeType]


def _nested_codes(code: CodeType) -> set[CodeType]:
    found = {code}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found |= _nested_codes(const)
    return found


@lru_cache(maxsize=4096)
def _compile(source: str, mode: Mode) -> _Compiled:
    # DMN tables evaluate the same cells over and over; compiling once per text matters.
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(source, filename=_FILENAME, policy=_Policy)
    if result.code is None:
        problems = tuple(result.errors) or ("无法编译",)
        return _Compiled(None, problems, frozenset())
    return _Compiled(result.code, (), frozenset(_nested_codes(result.code)))


def check_source(source: str, mode: Mode) -> list[str]:
    """Compile problems of a script ("exec") or expression ("eval"); empty when it would run."""
    text = source.strip() if mode == "eval" else source
    return [_LINE_RE.sub(r"第 \1 行：", p) for p in _compile(text, mode).problems]


_safer_getattr: Callable[[Any, str], Any] = safer_getattr_raise


def _guarded_getattr(obj: Any, name: str) -> Any:
    if name in _FORBIDDEN_ATTRIBUTES:
        raise AttributeError(f'不允许访问属性 "{name}"')
    obj = script_builtins.real_type(obj)  # `str.join` on the stand-in for str means str's own join
    if name in ("format", "format_map") and (isinstance(obj, str) or obj is str):
        # Format fields can reach attributes (`{0.__class__}`) past this guard; f-strings are checked instead.
        raise AttributeError(f"不允许使用字符串的 {name} 方法，请改用 f 字符串或 % 格式化")
    # safer_getattr would return None for a missing attribute; a typo should fail loudly instead.
    return script_builtins.guard_attribute(obj, name, _safer_getattr(obj, name))


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _make_builtins() -> dict[str, Any]:
    table = dict(safe_builtins)
    for name in _REMOVED_BUILTINS:
        table.pop(name, None)
    for name in _EXTRA_BUILTINS:
        table[name] = getattr(builtins, name)
    table.update(script_builtins.BUILTINS)
    return table


_HELPERS: dict[str, Any] = {
    "__builtins__": _make_builtins(),
    "_getattr_": _guarded_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": guards.guarded_write,
    "_inplacevar_": guards.guarded_inplace,
    "_apply_": _apply,
    "_print_": guards.BoundedPrint,
    "_add_": guards.guarded_add,
    "_mul_": guards.guarded_mul,
    "_pow_": guards.guarded_pow,
    "_lshift_": guards.guarded_lshift,
    "_mod_": guards.guarded_mod,
    "_format_": guards.guarded_format,
    "_starred_": guards.guarded_starred,
}
_HELPERS.update({f"_catch_{name}_": getattr(builtins, name) for name in _CATCHABLE})


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc, unused-ignore]
    """Spiff script environment: RestrictedPython, engine-provided functions, a time limit."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None, time_limit: float = 2.0) -> None:
        super().__init__({})
        self.time_limit = time_limit
        self._watchdog: Watchdog | None = None
        self.set_functions(functions or {})

    def set_functions(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        """Replace the engine-provided functions visible to scripts (re-bound per case)."""
        for name, func in functions.items():
            if not name.isidentifier() or name.startswith("_") or not callable(func):
                raise ValueError(f"invalid script function {name!r}")
        self.globals = {name: self._timed(func) for name, func in functions.items()}

    def _timed(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """The function, its running time given back to the script that called it (within the allowance)."""
        # Rebuilt for each of a case's functions every time a case is loaded: the name and the help text are all a
        # script can ask of them, so only those are copied: functools.wraps copies more and costs each step more.
        def call(*args: Any, **kwargs: Any) -> Any:
            began = time.monotonic()
            try:
                return func(*args, **kwargs)
            finally:
                if self._watchdog is not None:
                    self._watchdog.credit(time.monotonic() - began)
        call.__name__ = call.__qualname__ = getattr(func, "__name__", "function")
        call.__doc__ = func.__doc__
        return call

    def evaluate(self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate an expression (condition, timer, DMN cell) against task data."""
        source = (expression or "").strip()
        code, codes = self._compiled(source, "eval")
        namespace = self._namespace(context, external_context)
        return self._run(code, codes, namespace, "eval")

    def execute(self, script: str, context: MutableMapping[str, Any], external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script; the variables it assigns are written to task data only if it succeeds."""
        source = script or ""
        code, codes = self._compiled(source, "exec")
        namespace = self._namespace(context, external_context)
        self._run(code, codes, namespace, "exec")
        self._write_back(namespace, context, external_context or {})
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not supported."""
        raise NotImplementedError("不支持服务任务")

    @staticmethod
    def _compiled(source: str, mode: Mode) -> tuple[CodeType, frozenset[CodeType]]:
        compiled = _compile(source, mode)
        if compiled.code is None:
            raise ScriptCompileError(list(compiled.problems), source)
        return compiled.code, compiled.codes

    def _namespace(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
        clash = sorted(set(self.globals) & set(context))
        if clash:
            raise ValueError(f"任务数据中的变量与引擎函数同名，请改名：{', '.join(clash)}")
        namespace = dict(context)
        namespace.update(external or {})
        namespace.update(self.globals)
        # Last, so that no data key can replace a guard.
        namespace.update(_HELPERS)
        return namespace

    def _run(self, code: CodeType, codes: frozenset[CodeType], namespace: dict[str, Any], mode: Mode) -> Any:
        watchdog = Watchdog(codes, self.time_limit)
        previous, outer = sys.gettrace(), self._watchdog
        self._watchdog = watchdog
        sys.settrace(watchdog.on_call)
        try:
            # Safe only because `code` went through the restricting policy and `namespace` holds the guards.
            if mode == "eval":
                result = eval(code, namespace)
                # A decision's output lands in task data, which is stored as text.
                guards.check_rendered(result, "表达式的值")
                return result
            exec(code, namespace)
            return None
        except Exception as exc:
            # Spiff puts the message into the step's error: one that renders to gigabytes would stall the process.
            oversized = guards.oversized_exception(exc)
            if oversized is None:
                raise
            raise oversized.with_traceback(exc.__traceback__) from None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            # Anything else non-Exception came from the script; make Spiff treat it as a failure.
            raise RuntimeError(f"脚本引发了不允许的异常：{type(exc).__name__}") from exc
        finally:
            sys.settrace(previous)
            self._watchdog = outer

    def _write_back(self, namespace: dict[str, Any], context: MutableMapping[str, Any], external: Mapping[str, Any]) -> None:
        for name, func in self.globals.items():
            if namespace.get(name) is not func:
                raise ValueError(f"脚本不能给引擎函数 {name} 赋值或删除它")
        written = {
            key: value
            for key, value in namespace.items()
            if not (key.startswith("_") or key in self.globals or key in external or callable(value))
        }
        # Task data is serialized as text after the step: a value that renders huge (one long string held a
        # million times in a list) would stall the save, and an over-long integer could not be saved at all.
        for key, value in written.items():
            guards.check_rendered(value, f"变量 {key} 的值")
        for key in [k for k in context if k not in namespace]:
            del context[key]  # the script ran `del key`
        context.update(written)


def make_script_engine(env: RestrictedEnvironment) -> PythonScriptEngine:
    """A Spiff script engine that runs everything through `env`."""
    return PythonScriptEngine(environment=env)
