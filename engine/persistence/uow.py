"""A unit of work: one database transaction per use case, committed only by the service."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.clock import Clock
from engine.errors import Conflict
from engine.persistence import pipeline, riders
from engine.persistence.db import CONNECTION_KEY


class UnitOfWork:
    """Opens a write transaction (the write lock up front on SQLite) and rolls back unless committed."""

    def __init__(self, sessions: sessionmaker[Any], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self.session: Session
        self.now: datetime

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.now = self._clock.now()
        conn = self.session.info[CONNECTION_KEY] = self.session.connection(execution_options={"rcjc_write": True})
        pipeline.begin_with_first_statement(conn)  # on PostgreSQL BEGIN goes with the first statement
        return self

    def commit(self) -> None:
        """Commit; a concurrent change of the same case becomes a Conflict."""
        riders.flush(self.session)  # rows queued to ride with a case row that was not written after them
        self.session.info.pop(CONNECTION_KEY, None)  # the transaction ends: its connection goes back to the pool
        try:
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise Conflict("案件已被他人更新，请刷新后重试") from exc
        except OperationalError as exc:
            self.session.rollback()
            raise Conflict("数据库繁忙，请稍后重试") from exc

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.session.info.pop(CONNECTION_KEY, None)
        try:
            self.session.rollback()
        finally:
            self.session.close()
