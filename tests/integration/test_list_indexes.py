"""The paged lists read through their indexes: a user's notifications newest first, and a case's audit trail in
order, each found and ordered by an index with no sort of the rows; the cases holding a pair of characters
through the words index; and the cases of a unit's member or of a group through theirs. On SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, text

from engine.access.policy import Actor, visible_cases
from engine.context import EngineContext
from engine.persistence.models import AuditEvent, Case, CaseGram, CaseGroup, Notification


def plan(ctx: EngineContext, statement: Any) -> str:
    """The database's plan for a statement, as one text."""
    with ctx.db.connect() as conn:
        sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            return "\n".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        return _pg_plan(conn, sql)


def _pg_plan(conn: Connection, sql: str) -> str:
    # The tables are nearly empty here: without this the planner would rightly scan them whole.
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    return "\n".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {sql}")))


def test_a_users_notifications_newest_first_come_from_their_index(ctx: EngineContext) -> None:
    found = plan(ctx, select(Notification).where(Notification.username == "intake")
                 .order_by(Notification.id.desc()).limit(50).offset(50))
    assert "ix_notification_user_id" in found, found
    assert "Sort" not in found and "TEMP B-TREE" not in found, found


def test_a_page_of_a_cases_trail_comes_from_its_index(ctx: EngineContext) -> None:
    found = plan(ctx, select(AuditEvent).where(AuditEvent.case_id == 7, AuditEvent.seq > 20)
                 .order_by(AuditEvent.seq).limit(201))
    assert "ix_audit_event_case_seq" in found, found
    assert "Sort" not in found and "TEMP B-TREE" not in found, found


def test_the_cases_holding_a_pair_of_characters_come_from_the_words_index(ctx: EngineContext) -> None:
    found = plan(ctx, select(CaseGram.case_id).where(CaseGram.gram == "张明"))
    assert "case_gram_pkey" in found or "sqlite_autoindex_case_gram_1" in found, found


def test_a_unit_members_cases_come_from_the_indexes_of_starter_and_unit(ctx: EngineContext) -> None:
    member = Actor("applicant", frozenset({"applicant_org"}), "示例区财政局")
    found = plan(ctx, select(func.count()).select_from(Case).where(visible_cases(member)))
    assert "ix_case_started_by" in found and "ix_case_unit" in found, found


def test_a_groups_cases_come_from_the_index_of_their_groups(ctx: EngineContext) -> None:
    found = plan(ctx, select(CaseGroup.case_id).where(CaseGroup.group_key.in_(["investigator"])))
    assert "ix_case_group_group" in found, found
