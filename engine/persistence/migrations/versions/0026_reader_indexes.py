"""reader indexes: the cases a person started, and the cases a group worked on, found by index

Revision ID: 0026
Revises: 0025
Create Date: 2027-06-08 09:00:00

A reader who does not see every case lists the cases they started (and their unit's) or those their groups
worked on. Without these indexes a unit member's list read every case, and a group's reader's list read every
reading group of every case to find its own.
"""

from __future__ import annotations

from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_started_by", "case", ["started_by"])
    op.create_index("ix_case_group_group", "case_group", ["group_key", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_group_group", table_name="case_group")
    op.drop_index("ix_case_started_by", table_name="case")
