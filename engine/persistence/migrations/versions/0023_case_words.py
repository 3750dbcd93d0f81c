"""case words: each case's two-character sequences of its cadre name and matter, to find cases by words

Revision ID: 0023
Revises: 0022
Create Date: 2027-04-20 09:00:00

The sequences of the cases already there are written here, a thousand cases at a time. The rule is the one
engine.persistence.case_words applies, kept here as it stood, as a migration must.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _pairs(*texts: str | None) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        lowered = (text or "").lower()
        for i in range(len(lowered) - 1):
            if not lowered[i].isspace() and not lowered[i + 1].isspace():
                found[lowered[i:i + 2]] = None
    return list(found)


def upgrade() -> None:
    op.create_table(
        'case_gram',
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('gram', 'case_id'),
    )
    op.create_index('ix_case_gram_case_id', 'case_gram', ['case_id'])
    conn = op.get_bind()
    last = 0
    while True:
        cases = conn.execute(sa.text('SELECT id, cadre_name, matter FROM "case" WHERE id > :last ORDER BY id LIMIT 1000'),
                             {"last": last}).all()
        if not cases:
            break
        rows = [{"gram": pair, "case_id": case.id} for case in cases for pair in _pairs(case.cadre_name, case.matter)]
        if rows:
            conn.execute(sa.text("INSERT INTO case_gram (gram, case_id) VALUES (:gram, :case_id)"), rows)
        last = cases[-1].id


def downgrade() -> None:
    op.drop_index('ix_case_gram_case_id', table_name='case_gram')
    op.drop_table('case_gram')
