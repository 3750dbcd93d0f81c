"""Prepared statements for the write path: compiled once, run straight on the SQLite driver's cursor.

On embedded SQLite a statement costs the driver a few microseconds while SQLAlchemy's execution
machinery adds about forty; a step runs about ten of them. The statements stay SQLAlchemy Core
constructs: each is compiled once per dialect, its parameters go through the column types' own bind
processors and its results through their result processors, so values are stored and read exactly
as Core would. On other databases the statement simply runs through the connection as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Executable


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    # Values the statement carries itself (a LIMIT, a literal in a WHERE), used when the caller gives none.
    defaults: tuple[Any, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    results: tuple[Callable[[Any], Any] | None, ...]
    keys: tuple[str, ...]


class Row(tuple[Any, ...]):
    """A result row readable by position and by column name, like a Core row."""

    _keys: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._keys.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._keys, self, strict=True))


class Result:
    """What a prepared statement returns: rows (with processed values) and the row count."""

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def first(self) -> Row | None:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def scalar_one(self) -> Any:
        """The single value of the single row."""
        (row,) = self._rows
        return row[0]

    def __iter__(self) -> Any:
        return iter(self._rows)


class Prepared:
    """A Core statement compiled once per dialect; runs on the SQLite driver directly."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    def _compile(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        compiled: Any = self.statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        names = tuple(compiled.positiontup or ())
        binds = tuple(compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
        defaults = tuple(compiled.binds[n].value for n in names)
        # A SELECT's columns, or an INSERT's RETURNING columns (empty for other DML).
        columns = list(getattr(self.statement, "exported_columns", ()))
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        keys = tuple(str(getattr(c, "key", None) or getattr(c, "name", "")) for c in columns)
        return _Compiled(str(compiled), names, defaults, binds, results, keys)

    def run(self, conn: Connection, params: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None) -> Any:
        """Execute with one set of parameters (or many, for inserts/updates/deletes without results)."""
        if conn.dialect.name != "sqlite":
            return conn.execute(self.statement, params)
        if self._compiled is None:
            self._compiled = self._compile(conn)
        c = self._compiled
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if isinstance(params, Sequence):
                cursor.executemany(c.sql, [self._values(c, p) for p in params])
                return Result([], cursor.rowcount)
            cursor.execute(c.sql, self._values(c, params or {}))
            rows = []
            for raw in cursor.fetchall() if c.results else ():
                row = Row(p(v) if p else v for p, v in zip(c.results, raw, strict=True))
                row._keys = c.keys
                rows.append(row)
            return Result(rows, cursor.rowcount)
        finally:
            cursor.close()

    @staticmethod
    def _values(c: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...]:
        values = (params[n] if n in params else d for n, d in zip(c.names, c.defaults, strict=True))
        return tuple(p(v) if p else v for v, p in zip(values, c.binds, strict=True))
