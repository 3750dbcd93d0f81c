"""prior filings: units' innovative or risky decisions filed in advance (事前备案), with their reports and drifts

Revision ID: 0017
Revises: 0016
Create Date: 2027-03-09 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('prior_filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=True),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('cadre_name', sa.String(length=100), nullable=True),
    sa.Column('cadre_position', sa.String(length=200), nullable=True),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closure', sa.String(length=40), nullable=True),
    sa.Column('major', sa.Boolean(), nullable=False),
    sa.Column('risk_level', sa.String(length=20), nullable=True),
    sa.Column('filed_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_report_due', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('late_reports', sa.Integer(), nullable=False),
    sa.Column('drifts', sa.Integer(), nullable=False),
    sa.Column('updated_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id'),
    sa.UniqueConstraint('number')
    )
    op.create_index('ix_prior_filing_unit', 'prior_filing', ['unit', 'status'], unique=False)
    op.create_index('ix_prior_filing_due', 'prior_filing', ['status', 'next_report_due'], unique=False)
    op.create_index('ix_prior_filing_cadre', 'prior_filing', ['cadre_name'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_prior_filing_cadre', table_name='prior_filing')
    op.drop_index('ix_prior_filing_due', table_name='prior_filing')
    op.drop_index('ix_prior_filing_unit', table_name='prior_filing')
    op.drop_table('prior_filing')
