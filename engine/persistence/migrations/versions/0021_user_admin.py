"""user administration: passwords to change at next sign-in, and organization units as a managed list

Revision ID: 0021
Revises: 0020
Create Date: 2027-04-06 09:00:00

The list of units starts with every unit already named by a user or a case, so nobody loses theirs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch: on SQLite a batch copies app_user into a new table and drops the old one,
    # and the drop cascades to every membership, session and token of every user.
    op.add_column('app_user', sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
    unit = op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    conn = op.get_bind()
    used = sa.text(
        "SELECT unit FROM app_user WHERE unit IS NOT NULL AND unit <> ''"
        " UNION SELECT unit FROM \"case\" WHERE unit IS NOT NULL AND unit <> ''"
        " UNION SELECT started_unit FROM \"case\" WHERE started_unit IS NOT NULL AND started_unit <> ''")
    names = sorted({row[0] for row in conn.execute(used)})
    if names:
        op.bulk_insert(unit, [{"name": name, "kind": None, "active": True} for name in names])


def downgrade() -> None:
    op.drop_table('unit')
    op.drop_column('app_user', 'must_change_password')
