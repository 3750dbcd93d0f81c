"""documents: the official documents a case issued, with the hashes of their PDF and DOCX

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-19 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issued_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=80), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('issuer_group', sa.String(length=80), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('docx_sha256', sa.String(length=64), nullable=True),
    sa.Column('rendered_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('store', sa.String(length=20), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['superseded_by'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_document_case', 'document', ['case_id', 'id'], unique=False)
    op.create_index('ix_document_unrendered', 'document', ['rendered_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_document_unrendered', table_name='document')
    op.drop_index('ix_document_case', table_name='document')
    op.drop_table('document')
