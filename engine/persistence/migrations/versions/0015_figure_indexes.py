"""figure indexes: covering indexes for the statistics' grouped counts over cases, stages and rulings

Revision ID: 0015
Revises: 0014
Create Date: 2027-02-23 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_figures', 'case', ['status', 'outcome', 'closure', 'procedure', 'domain', 'unit',
                                                'process_id', 'created_at'], unique=False)
    op.create_index('ix_case_stage_days', 'case_stage', ['stage', 'working_days', 'case_id'], unique=False)
    op.create_index('ix_case_stage_case', 'case_stage', ['case_id', 'stage', 'working_days', 'ended_at'], unique=False)
    op.create_index('ix_cadre_record_figures', 'cadre_record', ['kind', 'decided_on', 'outcome', 'case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cadre_record_figures', table_name='cadre_record')
    op.drop_index('ix_case_stage_case', table_name='case_stage')
    op.drop_index('ix_case_stage_days', table_name='case_stage')
    op.drop_index('ix_case_figures', table_name='case')
