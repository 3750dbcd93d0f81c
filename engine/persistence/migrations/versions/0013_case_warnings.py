"""case warnings: signs raised on cases (repeated tolerance, wrong applicant, irregular procedure, ...)

Revision ID: 0013
Revises: 0012
Create Date: 2027-02-09 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('raised_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_case_warning_open', 'case_warning', ['acknowledged_at', 'raised_at'], unique=False)
    op.create_index(op.f('ix_case_warning_case_id'), 'case_warning', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_case_warning_case_id'), table_name='case_warning')
    op.drop_index('ix_case_warning_open', table_name='case_warning')
    op.drop_table('case_warning')
