"""Prepared statements for the write path: compiled once per dialect, run on the driver's cursor on every database.

A step runs about ten statements. On embedded SQLite one costs the driver a few microseconds while
`Connection.execute` adds forty to a hundred (an execution context and a CursorResult per statement):
measured, it took `make bench` from about 1.1x to about 1.5x raw SpiffWorkflow. So these statements skip
that machinery on SQLite and PostgreSQL alike: one code path and one result type (`Result` of `Row`s),
so the SQLite tests exercise what production runs. What Core would do is kept:

- each statement is a SQLAlchemy Core construct, compiled by the dialect's own compiler (per set of
  column keys for INSERT and UPDATE, as Core does), once per dialect;
- parameters go through the column types' bind processors and results through their result
  processors, so values are stored and read exactly as Core would;
- the connection's transaction begins if it has not (Core's autobegin);
- `before_cursor_execute` and `after_cursor_execute` listeners see every statement, with the driver's
  parameters and `context=None` (no execution context is built: that is the cost being saved), and
  the engine's echo logs it;
- driver errors become SQLAlchemy's exceptions (IntegrityError, OperationalError, ...) through the
  connection's own handler, which also invalidates a connection the database dropped.

`queue` sends a statement without waiting for its answer: on PostgreSQL it shares a round trip with the next
one that waits (engine.persistence.pipeline); on SQLite it simply runs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

from engine.persistence import pipeline

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


@dataclass
class _Compiled:
    sql: str
    # How the driver takes parameters: a tuple in `names` order, or a dict keyed by `placeholders`.
    positional: bool
    names: tuple[str, ...]
    placeholders: tuple[str, ...]
    # Values the statement carries itself (a LIMIT, a literal in a WHERE), used when the caller gives none.
    defaults: tuple[Any, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    # A SELECT's columns, or an INSERT's RETURNING columns (empty for other DML).
    columns: tuple[Any, ...]
    # The row class of this statement, its column names on the class rather than on every row.
    row: type[Row]
    # Result processors, made from the first cursor description (Core passes the driver's type code too).
    results: tuple[Callable[[Any], Any] | None, ...] | None = field(default=None)


class Row(tuple[Any, ...]):
    """A result row readable by position and by column name, like a Core row."""

    __slots__ = ()
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
    """What a prepared statement returns on every database: rows (with processed values) and the row count."""

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

    def all(self) -> list[Row]:
        """Every row."""
        return list(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class Prepared:
    """A Core statement compiled once per dialect and run on the connection's driver cursor."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        # Keyed weakly by dialect: tests make an engine per test, and their dialects must not pile up here.
        self._compiled: weakref.WeakKeyDictionary[Dialect, dict[tuple[str, ...], _Compiled]] = weakref.WeakKeyDictionary()
        # Core compiles INSERT and UPDATE for the keys of the parameters: the columns given are the columns set.
        self._keyed = bool(statement.is_insert or statement.is_update)

    def _compile(self, dialect: Dialect, column_keys: tuple[str, ...]) -> _Compiled:
        compiled: Any = self.statement.compile(  # type: ignore[attr-defined]
            dialect=dialect, column_keys=list(column_keys) if self._keyed else None)
        if compiled.insert_prefetch or compiled.update_prefetch:
            # A Python-side default needs Core's execution context: the caller gives those columns itself.
            missing = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"prepared statement needs values for columns with Python defaults: {missing}")
        if compiled.literal_execute_params or compiled.post_compile_params:
            # An expanding IN or a literal-execute bind is rendered anew on every run: not for this path.
            raise ValueError("prepared statements cannot hold parameters rendered at execution time")
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup if positional else compiled.binds)
        escaped = compiled.escaped_bind_names
        columns = tuple(getattr(self.statement, "exported_columns", ()))
        keys = tuple(str(getattr(c, "key", None) or getattr(c, "name", "")) for c in columns)
        return _Compiled(
            sql=str(compiled),
            positional=positional,
            names=names,
            placeholders=tuple(escaped.get(n, n) for n in names),
            defaults=tuple(compiled.binds[n].value for n in names),
            binds=tuple(compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names),
            columns=columns,
            row=type("Row", (Row,), {"__slots__": (), "_keys": keys}),
        )

    def _compiled_for(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        column_keys = tuple(params) if self._keyed else ()
        by_keys = self._compiled.get(dialect)
        if by_keys is None:
            by_keys = self._compiled.setdefault(dialect, {})
        c = by_keys.get(column_keys)
        if c is None:
            c = by_keys[column_keys] = self._compile(dialect, column_keys)
        return c

    def run(self, conn: Connection, params: Params = None, *, alone: bool = False) -> Result:
        """Execute with one set of parameters (or many, for inserts/updates/deletes without results).

        `alone`: a read that is the connection's only statement runs outside a transaction (the driver's own
        autocommit, on PostgreSQL with the connection's AUTOCOMMIT option): no BEGIN and no ROLLBACK around it.
        """
        if not alone and pipeline.active(conn):
            return self.queue(conn, params).result()
        c, values, many = self._bound(conn.dialect, params)
        if c is None:
            return Result([], 0)
        return self._run_bound(conn, c, values, many, alone)

    def _run_bound(self, conn: Connection, c: _Compiled, values: Any, many: bool, alone: bool = False) -> Result:
        cursor, sql = self._send(conn, c, values, many, alone)
        return self._fetched(conn, cursor, c, sql, values, many)

    def queue(self, conn: Connection, params: Params = None) -> Pending:
        """Send the statement without waiting for it: on PostgreSQL it waits in the connection's pipeline until a
        result is read or another statement must wait (see engine.persistence.pipeline); elsewhere it runs now."""
        c, values, many = self._bound(conn.dialect, params)
        if c is None:
            return Pending(result=Result([], 0))
        if not pipeline.enter(conn):
            return Pending(result=self._run_bound(conn, c, values, many))
        cursor, sql = self._send(conn, c, values, many)
        return Pending(self, conn, cursor, c, sql, values, many)

    def _send(self, conn: Connection, c: _Compiled, values: Any, many: bool, alone: bool = False) -> tuple[Any, str]:
        """Begin the transaction if needed (Core's autobegin) and execute on a new driver cursor; it and the SQL."""
        if not alone and not conn.in_transaction():
            conn.begin()  # the caller commits or rolls back the connection as usual
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            return cursor, self._execute(conn, cursor, c, values, many)
        except BaseException:
            cursor.close()
            raise

    def _fetched(self, conn: Connection, cursor: Any, c: _Compiled, sql: str, values: Any, many: bool) -> Result:
        """The statement's rows and row count, read from its cursor, which is closed after."""
        try:
            try:
                raw_rows = cursor.fetchall() if c.columns and not many else ()
            except BaseException as exc:  # noqa: BLE001 - re-raised by the handler
                conn._handle_dbapi_exception(exc, sql, values, cursor, None)
            return self._result(c, conn.dialect, cursor, raw_rows)
        finally:
            cursor.close()

    def _bound(self, dialect: Dialect, params: Params) -> tuple[_Compiled | None, Any, bool]:
        """The compiled statement for these parameters, the driver's values, and whether they are many sets."""
        if params is None or isinstance(params, Mapping):
            c = self._compiled_for(dialect, params or {})
            return c, self._values(c, params or {}), False
        if not params:
            return None, None, True
        c = self._compiled_for(dialect, params[0])
        return c, [self._values(c, p) for p in params], True

    @staticmethod
    def _execute(conn: Connection, cursor: Any, c: _Compiled, values: Any, many: bool) -> str:
        """Run the statement on the cursor as Core would, with its events, echo and error handling; the SQL sent."""
        sql = c.sql
        try:
            dispatch = conn.dispatch
            for listener in dispatch.before_cursor_execute:
                # Listeners registered with retval=True may rewrite both; the others hand them back.
                sql, values = listener(conn, cursor, sql, values, None, many)
            if conn._echo:  # the engine's echo logs these statements as it logs Core's
                conn._log_info(sql)
                conn._log_info("[prepared] %r", "[parameters hidden]" if conn.engine.hide_parameters else values)
            if many:
                conn.dialect.do_executemany(cursor, sql, values, None)
            else:
                conn.dialect.do_execute(cursor, sql, values, None)
            dispatch.after_cursor_execute(conn, cursor, sql, values, None, many)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the handler, as Core does for interrupts too
            # The connection's own handler: SQLAlchemy's exception types, handle_error events, and a
            # dropped connection invalidated, exactly as for a statement run through Core.
            conn._handle_dbapi_exception(exc, sql, values, cursor, None)
        return sql

    def _result(self, c: _Compiled, dialect: Dialect, cursor: Any, raw_rows: Sequence[Any]) -> Result:
        if not raw_rows:
            return Result([], cursor.rowcount)
        results = c.results if c.results is not None else self._results(c, dialect, cursor.description)
        row = c.row
        return Result([row([p(v) if p else v for p, v in zip(results, raw, strict=True)]) for raw in raw_rows],
                      cursor.rowcount)

    @staticmethod
    def _results(c: _Compiled, dialect: Dialect, description: Any) -> tuple[Callable[[Any], Any] | None, ...]:
        """The result processors, given the driver's type code of each column as Core gives it."""
        c.results = tuple(col.type.dialect_impl(dialect).result_processor(dialect, d[1])
                          for col, d in zip(c.columns, description, strict=True))
        return c.results

    @staticmethod
    def _values(c: _Compiled, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        values = [params[n] if n in params else d for n, d in zip(c.names, c.defaults, strict=True)]
        processed = [p(v) if p else v for v, p in zip(values, c.binds, strict=True)]
        return tuple(processed) if c.positional else dict(zip(c.placeholders, processed, strict=True))


class Pending:
    """A statement sent through `Prepared.queue`: its result, read when asked for (one wait for all queued)."""

    def __init__(self, prepared: Prepared | None = None, conn: Connection | None = None, cursor: Any = None,
                 compiled: _Compiled | None = None, sql: str = "", values: Any = None, many: bool = False,
                 result: Result | None = None) -> None:
        self._prepared, self._conn, self._cursor, self._compiled = prepared, conn, cursor, compiled
        self._sql, self._values, self._many = sql, values, many
        self._done = result

    def result(self) -> Result:
        """The statement's result, sending whatever still waits in the connection's pipeline first."""
        if self._done is not None:
            return self._done
        conn, cursor, c = self._conn, self._cursor, self._compiled
        assert self._prepared is not None and conn is not None and c is not None
        try:
            pipeline.sync(conn)
        except BaseException as exc:  # noqa: BLE001 - re-raised by the handler
            cursor.close()
            conn._handle_dbapi_exception(exc, self._sql, self._values, cursor, None)
        self._done = self._prepared._fetched(conn, cursor, c, self._sql, self._values, self._many)
        return self._done
