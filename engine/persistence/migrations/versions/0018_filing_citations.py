"""filing citations: a tolerance case citing its unit's prior filing

Revision ID: 0018
Revises: 0017
Create Date: 2027-03-16 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('filing_citation',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('filing_case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_case_id'], ['case.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['filing_id'], ['prior_filing.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_index('ix_filing_citation_filing', 'filing_citation', ['filing_case_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_filing_citation_filing', table_name='filing_citation')
    op.drop_table('filing_citation')
