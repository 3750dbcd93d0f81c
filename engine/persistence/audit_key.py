"""The audit key and what the audit trail's hashes are computed over: events, anchors, chain names."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"
# Where a session finds the audit key: EngineContext puts it into every session it makes, so the write
# path (which gets only a unit of work) reaches it without the key ever being stored in the database.
KEY_INFO = "rcjc_audit_key"

# Events of the system chain that say something about other chains.
OPENED = "chain_opened"
ADOPTED = "chains_anchored"
ANCHOR_MISSING = "anchor_missing"
REUSED = "chain_reused"

# Shorter secrets could be guessed offline from any stored hash.
MIN_SECRET_BYTES = 16


@dataclass(frozen=True)
class AuditKey:
    """A secret for HMAC-SHA256 and its public id: the first 8 hex digits of the secret's SHA-256."""

    secret: bytes = field(repr=False)
    id: str = field(init=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_SECRET_BYTES:
            raise ValueError(f"审计密钥太短：至少需要 {MIN_SECRET_BYTES} 个字节（建议 64 位随机十六进制数）")
        object.__setattr__(self, "id", hashlib.sha256(self.secret).hexdigest()[:8])

    @classmethod
    def from_text(cls, text: str) -> AuditKey:
        """The key given as text (an environment variable, a key file)."""
        return cls(text.strip().encode("utf-8"))

    @classmethod
    def generate(cls) -> AuditKey:
        """A new random key (64 hex digits, as written to the instance key file)."""
        return cls.from_text(secrets.token_hex(32))

    def mac(self, text: str) -> str:
        """HMAC-SHA256 of the text under this key, as 64 hex digits."""
        return hmac.digest(self.secret, text.encode("utf-8"), "sha256").hex()


def case_chain(case_id: int) -> str:
    """Name of the audit chain of one case."""
    return f"case:{case_id}"


HASHED = ("chain", "seq", "case_id", "event", "actor", "at", "task_id", "bpmn_id", "details", "prev_hash")


def hashed_text(fields: Mapping[str, Any], key_id: str | None) -> str:
    """The canonical text an event's hash is computed over (the key id is part of it for keyed events)."""
    body = {name: fields[name] for name in HASHED}
    body["at"] = body["at"].isoformat()
    if key_id is not None:
        body["key_id"] = key_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def plain_digest(fields: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 of an event written before the trail was keyed."""
    return hashlib.sha256(hashed_text(fields, None).encode("utf-8")).hexdigest()


def anchor_mac(key: AuditKey, chain: str, seq: int, head: str) -> str:
    """The MAC that binds an anchor's chain, newest number and newest hash to the key."""
    return key.mac(json.dumps(["anchor", chain, seq, head], separators=(",", ":")))


def key_of(session: Session) -> AuditKey:
    """The audit key of a session made by an EngineContext."""
    key = session.info.get(KEY_INFO)
    if not isinstance(key, AuditKey):
        raise RuntimeError("no audit key: sessions must come from an EngineContext")
    return key
