"""figure scans: one covering scan for a stage's lengths and open count, and for the cases filed in a period

Revision ID: 0016
Revises: 0015
Create Date: 2027-03-02 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CASE_FIGURES_BY_FILING = ['created_at', 'process_id', 'status', 'outcome', 'closure', 'procedure', 'domain', 'unit']


def upgrade() -> None:
    op.drop_index('ix_case_stage_open', table_name='case_stage')
    op.drop_index('ix_case_stage_days', table_name='case_stage')
    op.create_index('ix_case_stage_days', 'case_stage', ['stage', 'working_days', 'ended_at', 'case_id'], unique=False)
    op.drop_index('ix_case_created', table_name='case')
    op.create_index('ix_case_created', 'case', CASE_FIGURES_BY_FILING, unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_created', table_name='case')
    op.create_index('ix_case_created', 'case', ['created_at'], unique=False)
    op.drop_index('ix_case_stage_days', table_name='case_stage')
    op.create_index('ix_case_stage_days', 'case_stage', ['stage', 'working_days', 'case_id'], unique=False)
    op.create_index('ix_case_stage_open', 'case_stage', ['stage', 'ended_at'], unique=False)
