"""prior-ruling register: the cadre's unit, identity number and folded name on rulings; closed rectifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-18 10:00:00

Rulings filed before this revision get their folded name (the lookup's key) here; their unit and identity number
were never recorded and stay empty, so the prior-ruling check matches them on the name alone.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

import engine.persistence.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _fold(text: str | None) -> str:
    # A copy of engine.procedure.prior_match.fold as it was when this revision was written: a migration must
    # keep doing what it did, whatever the engine's code becomes.
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def upgrade() -> None:
    op.create_table('rectification_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('cadre_name', sa.String(length=100), nullable=False),
    sa.Column('cadre_key', sa.String(length=100), nullable=False),
    sa.Column('cadre_unit', sa.String(length=200), nullable=True),
    sa.Column('cadre_id_number', sa.String(length=18), nullable=True),
    sa.Column('matter', sa.String(length=500), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('accepted_at', engine.persistence.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('rectification_closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_closure_cadre_id_number'), ['cadre_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_closure_cadre_key'), ['cadre_key'], unique=False)

    with op.batch_alter_table('ruling', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cadre_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cadre_unit', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('cadre_id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_ruling_cadre_id_number'), ['cadre_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_ruling_cadre_key'), ['cadre_key'], unique=False)

    ruling = sa.table('ruling', sa.column('id', sa.Integer()), sa.column('cadre_name', sa.String()),
                      sa.column('cadre_key', sa.String()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(ruling.c.id, ruling.c.cadre_name)).all()
    if rows:
        bind.execute(sa.update(ruling).where(ruling.c.id == sa.bindparam('row_id')).values(cadre_key=sa.bindparam('key')),
                     [{'row_id': row_id, 'key': _fold(name)[:100]} for row_id, name in rows])


def downgrade() -> None:
    with op.batch_alter_table('ruling', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ruling_cadre_key'))
        batch_op.drop_index(batch_op.f('ix_ruling_cadre_id_number'))
        batch_op.drop_column('reference')
        batch_op.drop_column('cadre_id_number')
        batch_op.drop_column('cadre_unit')
        batch_op.drop_column('cadre_key')

    with op.batch_alter_table('rectification_closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_closure_cadre_key'))
        batch_op.drop_index(batch_op.f('ix_rectification_closure_cadre_id_number'))

    op.drop_table('rectification_closure')
