"""Each user's choice of which notifications to receive, in the app and by mail."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.db import Base


class NoticeChoice(Base):
    """Whether a user receives one kind of notification in the app and by mail; no row means the defaults."""

    __tablename__ = "notice_choice"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean)
    mail: Mapped[bool] = mapped_column(Boolean)
