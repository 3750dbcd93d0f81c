"""Demo users added by `rcjc init --demo`: one per group, and a committee large enough to vote."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import units, users
from engine.persistence.models import User

# Demo accounts only (name, groups, unit, display name, position); a real deployment adds its users with
# `rcjc users add`.
# Published in the README: whoever reads it can sign in as these accounts until their passwords change.
DEMO_PASSWORD = "rcjc-demo"

DEMO_USERS: list[tuple[str, list[str], str | None, str, str]] = [
    ("applicant", ["applicant_org"], "示例区发展和改革局", "王建国", "办公室主任"),
    ("accountability", ["accountability"], "区纪委监委", "刘洋", "案件审理室干部"),
    ("intake", ["intake"], "区纪委监委", "赵敏", "信访室干部"),
    ("investigator", ["investigator"], "区纪委监委", "陈静", "第一纪检监察室干部"),
    ("reviewer", ["investigator"], "区纪委监委", "杨帆", "案件审理室主任"),
    ("committee1", ["committee"], "区容错免责裁定委员会", "张立", "委员"),
    ("committee2", ["committee"], "区容错免责裁定委员会", "王芳", "委员"),
    ("committee3", ["committee"], "区容错免责裁定委员会", "李强", "委员"),
    ("chair", ["committee_chair"], "区容错免责裁定委员会", "周正", "主任"),
    ("supervisor", ["supervisor"], "区纪委监委", "吴刚", "党风政风监督室主任"),
    ("orgdept", ["org_dept"], "区委组织部", "孙丽", "干部监督科科长"),
    ("owner", ["process_owner"], None, "郑浩", "信息化管理员"),
    ("admin", ["admin"], None, "何平", "系统管理员"),
]


def add_demo_users(session: Session, now: datetime) -> list[str]:
    """Add the demo users that are missing, with the published password; their names. The caller commits."""
    existing = set(session.scalars(select(User.username).where(User.username.in_([d[0] for d in DEMO_USERS]))))
    units.ensure_units(session, [d[2] for d in DEMO_USERS])
    added = []
    for name, groups, unit, display, position in DEMO_USERS:
        if name not in existing:
            users.create_demo_user_with_published_password(session, name, DEMO_PASSWORD, groups, now, unit, display,
                                                           position)
            added.append(name)
    return added


def accounts_with_published_password(session: Session) -> list[str]:
    """Active demo accounts whose password is still the published one (checked against each argon2 hash)."""
    names = [d[0] for d in DEMO_USERS]
    hasher = PasswordHasher()  # verification reads the cost parameters from each hash
    found = []
    for user in session.scalars(select(User).where(User.username.in_(names), User.active.is_(True))
                                .order_by(User.username)):
        try:
            hasher.verify(user.password_hash, DEMO_PASSWORD)
        except (VerificationError, InvalidHashError):
            continue
        found.append(user.username)
    return found
