"""Where the audit key comes from: RCJC_AUDIT_KEY, else a key file in the instance folder created once."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from engine.persistence.audit_key import AuditKey
from webapp.settings import audit_key


def test_the_key_file_is_created_once_readable_by_its_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RCJC_AUDIT_KEY")
    first = audit_key(str(tmp_path / "instance"))
    path = tmp_path / "instance" / "audit_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_key(str(tmp_path / "instance")) == first
    assert [p.name for p in path.parent.iterdir()] == ["audit_key"]
    assert first.id == AuditKey.from_text(path.read_text()).id and len(first.id) == 8


def test_the_environment_wins_and_a_short_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCJC_AUDIT_KEY", "a-key-from-the-environment")
    assert audit_key(str(tmp_path)) == AuditKey.from_text("a-key-from-the-environment")
    assert not (tmp_path / "audit_key").exists()
    monkeypatch.setenv("RCJC_AUDIT_KEY", "short")
    with pytest.raises(ValueError, match="RCJC_AUDIT_KEY"):
        audit_key(str(tmp_path))


def test_the_key_never_shows_in_a_repr() -> None:
    key = AuditKey.from_text("a-secret-that-must-not-be-logged")
    assert "a-secret" not in repr(key) and key.id in repr(key)
