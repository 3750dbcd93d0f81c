"""cadre register: one record per ruling or clarification of a cadre, with its no-negative-evaluation scope

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-26 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cadre_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('cadre_name', sa.String(length=100), nullable=False),
    sa.Column('cadre_unit', sa.String(length=200), nullable=True),
    sa.Column('cadre_id_number', sa.String(length=18), nullable=True),
    sa.Column('cadre_position', sa.String(length=200), nullable=True),
    sa.Column('matter', sa.String(length=500), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('previous_outcome', sa.String(length=20), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('no_negative', sa.Boolean(), nullable=False),
    sa.Column('no_negative_scope', sa.JSON(), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('updated_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'kind')
    )
    op.create_index('ix_cadre_record_decided', 'cadre_record', ['decided_on', 'id'], unique=False)
    op.create_index(op.f('ix_cadre_record_cadre_name'), 'cadre_record', ['cadre_name'], unique=False)
    op.create_index(op.f('ix_cadre_record_cadre_unit'), 'cadre_record', ['cadre_unit'], unique=False)
    op.create_index(op.f('ix_cadre_record_cadre_id_number'), 'cadre_record', ['cadre_id_number'], unique=False)
    op.create_index(op.f('ix_cadre_record_outcome'), 'cadre_record', ['outcome'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cadre_record_outcome'), table_name='cadre_record')
    op.drop_index(op.f('ix_cadre_record_cadre_id_number'), table_name='cadre_record')
    op.drop_index(op.f('ix_cadre_record_cadre_unit'), table_name='cadre_record')
    op.drop_index(op.f('ix_cadre_record_cadre_name'), table_name='cadre_record')
    op.drop_index('ix_cadre_record_decided', table_name='cadre_record')
    op.drop_table('cadre_record')
