"""figure tally: the figures' counts per month of filing, kept up to date by each step instead of counted per request

Revision ID: 0024
Revises: 0023
Create Date: 2027-05-11 09:00:00

The counts of the cases already there are written here from one grouped scan of the cases, one of their stages and
one of their late steps.
The rule is the one engine.persistence.figure_tally applies, kept here as it stood, as a migration must.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

NOT_CASES = ("rcjc_typical_case", "rcjc_prior_filing")
OUTCOMES = ("EXEMPT", "MITIGATE", "NOT_TOLERATED")
OPEN = ("running", "error", "suspended")
SEP = "\x1f"


def _month(conn: Any, column: str) -> str:
    # The first day of the month in China Standard Time (UTC+8): SQLite keeps naive UTC text, PostgreSQL a timestamp
    # with time zone.
    if conn.dialect.name == "postgresql":
        return f"to_char(date_trunc('month', {column} AT TIME ZONE 'UTC' + interval '8 hours'), 'YYYY-MM-DD')"
    return f"date({column}, '+8 hours', 'start of month')"


def _case_facts(process_id: str, status: str, outcome: str | None, closure: str | None, procedure: str | None,
                domain: str | None, unit: str | None) -> list[tuple[str, str]]:
    if process_id in NOT_CASES:
        return []
    facts = [("status", status), ("procedure", procedure or "")]
    if status not in OPEN:
        facts.append(("closure", closure or status))
    if outcome in OUTCOMES:
        facts += [("outcome", outcome), ("domain_outcome", f"{domain or ''}{SEP}{outcome}"),
                  ("unit_outcome", f"{unit or ''}{SEP}{outcome}")]
    return facts


def upgrade() -> None:
    op.create_table(
        'figure_tally',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('key', sa.String(length=240), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'kind', 'key'),
    )
    conn = op.get_bind()
    counts: Counter[tuple[str, str, str]] = Counter()
    cases = conn.execute(sa.text(
        f'SELECT {_month(conn, "created_at")}, process_id, status, outcome, closure, procedure, domain, unit, count(*) '
        'FROM "case" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8'))
    for month, *values, n in cases:
        for kind, key in _case_facts(*values):
            counts[(month, kind, key)] += n
    stages = conn.execute(sa.text(
        f'SELECT {_month(conn, "c.created_at")}, s.stage, s.ended_at IS NULL, s.working_days, count(*) '
        'FROM case_stage s JOIN "case" c ON c.id = s.case_id GROUP BY 1, 2, 3, 4'))
    for month, stage, is_open, days, n in stages:
        if stage in NOT_CASES or (not is_open and days is None):
            continue
        counts[(month, "stage_open", stage) if is_open else (month, "stage_days", f"{stage}{SEP}{days}")] += n
    late = conn.execute(sa.text(
        f'SELECT {_month(conn, "c.created_at")}, l.stage, l.group_key, count(*) '
        'FROM late_step l JOIN "case" c ON c.id = l.case_id GROUP BY 1, 2, 3'))
    for month, stage, group_key, n in late:
        if stage not in NOT_CASES:
            counts[(month, "late", group_key)] += n
    rows = [{"month": date.fromisoformat(m), "kind": k, "key": v, "n": n} for (m, k, v), n in sorted(counts.items())]
    if rows:
        tally = sa.table('figure_tally', sa.column('month', sa.Date()), sa.column('kind'), sa.column('key'), sa.column('n'))
        conn.execute(tally.insert(), rows)


def downgrade() -> None:
    op.drop_table('figure_tally')
