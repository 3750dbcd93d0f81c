"""case word characters: the words index also holds each case's single characters, so that a search of one
character (a surname) reads the cases holding it instead of testing every case

Revision ID: 0025
Revises: 0024
Create Date: 2027-05-25 09:00:00

The characters of the cases already there are written here, a thousand cases at a time. The rule is the one
engine.persistence.case_words applies, kept here as it stood, as a migration must.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _characters(*texts: str | None) -> list[str]:
    found: dict[str, None] = {}
    for text in texts:
        for char in (text or "").lower():
            if not char.isspace():
                found[char] = None
    return list(found)


def upgrade() -> None:
    conn = op.get_bind()
    last = 0
    while True:
        cases = conn.execute(sa.text('SELECT id, cadre_name, matter FROM "case" WHERE id > :last ORDER BY id LIMIT 1000'),
                             {"last": last}).all()
        if not cases:
            break
        rows = [{"gram": char, "case_id": case.id} for case in cases for char in _characters(case.cadre_name, case.matter)]
        if rows:
            conn.execute(sa.text("INSERT INTO case_gram (gram, case_id) VALUES (:gram, :case_id)"), rows)
        last = cases[-1].id


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM case_gram WHERE length(gram) = 1"))
