"""evidence attachments: one row per version of a file; the bytes in the database where it is the shared store

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('store', sa.String(length=20), nullable=False),
    sa.Column('uploaded_by', sa.String(length=80), nullable=False),
    sa.Column('uploaded_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('bpmn_id', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['replaces_id'], ['attachment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('replaces_id')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_case', ['case_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('attachment_blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )


def downgrade() -> None:
    op.drop_table('attachment_blob')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index('ix_attachment_case')

    op.drop_table('attachment')
