"""case list: an index that finds running cases untouched for long (stuck) by a range

Revision ID: 0019
Revises: 0018
Create Date: 2027-03-23 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_status_updated', 'case', ['status', 'updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_status_updated', table_name='case')
