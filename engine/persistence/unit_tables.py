"""Organization units as a managed list: users and the forms pick a unit from it instead of typing one."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base


class Unit(Base):
    """An organization unit; users and cases store its name, so a rename rewrites their scope columns."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # What sort of unit it is (党政机关, 街道, 国有企业 ...); free text, for people reading the list.
    kind: Mapped[str | None] = mapped_column(String(100))
    # A deactivated unit is offered to no new user; its existing members keep it.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
