"""typical cases: the library of anonymised cases published for every cadre to read

Revision ID: 0014
Revises: 0013
Create Date: 2027-02-16 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('typical_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_case_id', sa.Integer(), nullable=False),
    sa.Column('process_case_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('domain', sa.String(length=100), nullable=True),
    sa.Column('published_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unpublished_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unpublished_by', sa.String(length=80), nullable=True),
    sa.Column('unpublish_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['process_case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['source_case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_typical_case_listed', 'typical_case', ['unpublished_at', 'published_at'], unique=False)
    op.create_index(op.f('ix_typical_case_source_case_id'), 'typical_case', ['source_case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_typical_case_source_case_id'), table_name='typical_case')
    op.drop_index('ix_typical_case_listed', table_name='typical_case')
    op.drop_table('typical_case')
