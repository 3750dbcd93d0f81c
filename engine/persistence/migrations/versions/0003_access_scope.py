"""unit scope of cases and tasks, access log of confidential reads

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_case', ['case_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_username'), ['username'], unique=False)

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_unit'), ['unit'], unique=False)

    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=200), nullable=True))

    # Cases started before units were recorded concern the unit that started them (the applying unit);
    # their open applicant-organization tasks belong to that unit from now on.
    op.execute('UPDATE "case" SET unit = started_unit')
    op.execute("UPDATE task_index SET unit = (SELECT c.unit FROM \"case\" c WHERE c.id = task_index.case_id) "
               "WHERE group_key = 'applicant_org'")


def downgrade() -> None:
    with op.batch_alter_table('task_index', schema=None) as batch_op:
        batch_op.drop_column('unit')

    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_unit'))
        batch_op.drop_column('unit')

    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_username'))
        batch_op.drop_index('ix_access_log_case')

    op.drop_table('access_log')
