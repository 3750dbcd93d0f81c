"""notice choices: which kinds of notification each user receives in the app and by mail

Revision ID: 0022
Revises: 0021
Create Date: 2027-04-08 09:00:00

A reassignment was stored with the kind `assigned`; it is `reassigned` now, beside the other kinds of work.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notice_choice',
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('in_app', sa.Boolean(), nullable=False),
        sa.Column('mail', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('username', 'kind'),
    )
    op.execute("UPDATE notification SET kind = 'reassigned' WHERE kind = 'assigned'")


def downgrade() -> None:
    op.execute("UPDATE notification SET kind = 'assigned' WHERE kind = 'reassigned'")
    op.drop_table('notice_choice')
