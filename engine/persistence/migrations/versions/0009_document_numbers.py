"""document numbers: the register of the last number issued per kind of document and year

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-12 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_counter',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year')
    )


def downgrade() -> None:
    op.drop_table('document_counter')
