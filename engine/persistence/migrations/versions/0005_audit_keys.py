"""keyed audit chains and chain anchors

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00

Existing events keep key_id NULL and go on verifying with plain SHA-256. Their chains get anchors from
`rcjc init` (engine.persistence.audit.anchor_legacy_chains), not here: writing an anchor needs the audit key, and a
migration needs only the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_anchor',
    sa.Column('chain', sa.String(length=40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('key_id')

    op.drop_table('audit_anchor')
