"""paged lists: a user's notifications newest first, and a case's audit trail in order, each a page at a time

Revision ID: 0020
Revises: 0019
Create Date: 2027-03-30 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_notification_user_id', 'notification', ['username', 'id'], unique=False)
    # (case_id, seq) serves every lookup the single-column index served, and the trail's order besides.
    op.create_index('ix_audit_event_case_seq', 'audit_event', ['case_id', 'seq'], unique=False)
    op.drop_index('ix_audit_event_case_id', table_name='audit_event')


def downgrade() -> None:
    op.create_index('ix_audit_event_case_id', 'audit_event', ['case_id'], unique=False)
    op.drop_index('ix_audit_event_case_seq', table_name='audit_event')
    op.drop_index('ix_notification_user_id', table_name='notification')
