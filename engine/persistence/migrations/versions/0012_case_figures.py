"""case figures: the domain and procedure of each case, its stages with their lengths, and steps ended late

Revision ID: 0012
Revises: 0011
Create Date: 2027-02-02 09:00:00
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _datas(node: Any) -> Iterator[dict[str, Any]]:
    """Every task's data dict in a serialized workflow (the format is walked, not interpreted)."""
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict):
            yield data
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _datas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _datas(value)


def _figures(state: bytes) -> tuple[str | None, str | None]:
    """The domain and procedure a case's stored state holds; a switch to the ordinary procedure wins."""
    try:
        datas = list(_datas(json.loads(zlib.decompress(state))))
    except (zlib.error, ValueError):
        return None, None
    domains = {d["domain"] for d in datas if isinstance(d.get("domain"), str) and d["domain"].isidentifier()}
    procedures = {d["procedure"] for d in datas if d.get("procedure") in ("simple", "ordinary")}
    return (sorted(domains)[0][:100] if domains else None,
            "ordinary" if "ordinary" in procedures else ("simple" if procedures else None))


def upgrade() -> None:
    op.add_column('case', sa.Column('domain', sa.String(length=100), nullable=True))
    op.add_column('case', sa.Column('procedure', sa.String(length=20), nullable=True))
    op.create_index(op.f('ix_case_domain'), 'case', ['domain'], unique=False)
    op.create_index('ix_case_created', 'case', ['created_at'], unique=False)
    op.create_table('case_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('started_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'stage')
    )
    op.create_index('ix_case_stage_open', 'case_stage', ['stage', 'ended_at'], unique=False)
    op.create_table('late_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('group_key', sa.String(length=40), nullable=False),
    sa.Column('due_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_late_step_case_id'), 'late_step', ['case_id'], unique=False)
    op.create_index('ix_late_step_group', 'late_step', ['group_key', 'case_id'], unique=False)
    _backfill()


def _backfill() -> None:
    """Cases filed before this version: their domain and procedure from their state, their open stages from the
    task index (a stage already ended before the upgrade has no row: its length is not known)."""
    bind = op.get_bind()
    case = sa.table('case', sa.column('id', sa.Integer), sa.column('state', sa.LargeBinary),
                    sa.column('domain', sa.String), sa.column('procedure', sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.select(case.c.id, case.c.state).where(case.c.id > last).order_by(case.c.id).limit(500)).all()
        if not rows:
            break
        for case_id, state in rows:
            domain, procedure = _figures(state)
            if domain or procedure:
                bind.execute(case.update().where(case.c.id == case_id).values(domain=domain, procedure=procedure))
        last = rows[-1][0]
    op.execute("INSERT INTO case_stage (case_id, stage, started_at) "
               "SELECT case_id, process_id, MIN(created_at) FROM task_index GROUP BY case_id, process_id")


def downgrade() -> None:
    op.drop_index('ix_late_step_group', table_name='late_step')
    op.drop_index(op.f('ix_late_step_case_id'), table_name='late_step')
    op.drop_table('late_step')
    op.drop_index('ix_case_stage_open', table_name='case_stage')
    op.drop_table('case_stage')
    op.drop_index('ix_case_created', table_name='case')
    op.drop_index(op.f('ix_case_domain'), table_name='case')
    op.drop_column('case', 'procedure')
    op.drop_column('case', 'domain')
