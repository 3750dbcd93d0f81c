"""The engine's configuration: time limits, ruling thresholds, calendar overrides."""

from __future__ import annotations

import json
import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

# Defaults from the procedure; every one can be changed per deployment. Every user step is on the clock: a step
# the procedure gives no limit of its own has the default of five working days.
DEFAULT_LIMITS: dict[str, str] = {
    "pre_check": "10wd",
    "prior_ruling_review": "5wd",
    "acceptance": "10wd",
    "supplement_response": "10wd",
    "triage": "5wd",
    "simple_first_review": "1wd",
    "simple_total": "10wd",
    "investigation": "1mo",
    "extension_approval": "5wd",
    "investigation_extension": "1mo",
    "outcome_proposal": "5wd",
    "ruling": "10wd",
    "feedback": "5wd",
    "appeal_window": "1mo",
    "appeal_review": "1mo",
    "rectification_verify": "10wd",
    # Registration, the decision to clarify and the cadre's consultation share the proposal's limit.
    "clarification_proposal": "10wd",
    "clarification_approval": "5wd",
    "clarification_execution": "1mo",
    "clarification_filing": "5wd",
    "clarification_reporter": "5wd",
    "clarification_referral": "5wd",
    "clarification_follow_up": "5wd",
    "typical_case_edit": "10wd",
    "typical_case_review": "5wd",
    "typical_case_approval": "5wd",
    # Prior filing (事前备案): its review, a supplement asked for, and once registered the interval between
    # progress reports, the time to send one, to remedy a drift and to check the remedy or read a report.
    "prior_filing_review": "10wd",
    "prior_filing_supplement": "10wd",
    "prior_filing_report_interval": "20wd",
    "prior_filing_report": "5wd",
    "prior_filing_remedy": "5wd",
    "prior_filing_follow_up": "5wd",
    "prior_filing_report_review": "5wd",
}

# A message is an event with a few facts, not a document store: larger payloads are refused, nothing stored.
MESSAGE_PAYLOAD_BYTES = 64 * 1024

# Whose number a ruling's majority is counted against.
MAJORITY_BASES = ("all_members", "present_not_recused")

DEFAULT_SETTINGS: dict[str, Any] = {
    "quorum": "2/3",
    "majority": "1/2",
    # The majority is counted of all members (the Party rule) or of the members present and not recused.
    "majority_of": "all_members",
    "application_window": "1mo",
    # The simple procedure is for minor losses only: below this many yuan (and facts clear and undisputed).
    "simple_loss_threshold": 50000,
    # An earlier ruling concerns the same matter when the two matters' bigram similarity (0–1) reaches this.
    "prior_matter_similarity": 0.6,
    "stuck_after_days": 10,
    # Repeated tolerance is a warning sign: the cadre (or the unit) tolerated this many times within these years.
    "repeat_tolerance_times": 2,
    "repeat_tolerance_unit_times": 2,
    "repeat_tolerance_years": 3,
    # Reminders go out this long before a task's due date; escalation to supervisors when it passes.
    "remind_before": "2wd",
    # Serialized size (UTF-8 JSON) of the payload one message may bring into a case.
    "message_payload_bytes": MESSAGE_PAYLOAD_BYTES,
    # Evidence attachments: the size of one file, and where files are kept (see engine.files.stores).
    "attachment_max_bytes": 50 * 1024 * 1024,
    "attachment_store": "auto",
    "attachment_dir": "",
    # S3-compatible storage (attachment_store = "s3"): the bucket, a prefix for the objects' names, and for a store
    # other than AWS its endpoint. Credentials come from the environment as boto3 reads them, never from here.
    "s3_bucket": "",
    "s3_prefix": "rcjc/",
    "s3_endpoint": "",
    "s3_region": "",
    # PostgreSQL connections per process: kept open (pool) and allowed beyond that under load (overflow); a statement
    # run this many times on a connection is prepared on the server (None: never, e.g. behind a transaction pooler).
    "db_pool_size": 10,
    "db_max_overflow": 10,
    "db_prepare_threshold": 1,
    # Ask each connection taken from the pool whether it still lives (one more round trip per request): only where
    # something between the app and the database drops idle connections early.
    "db_pre_ping": False,
    # The issuing body's short name that opens its document numbers ({prefix} in the patterns below).
    "document_prefix": "X",
}

# Where attachments are kept: chosen by the database (auto), a folder, or the database every node shares.
ATTACHMENT_STORES = ("auto", "filesystem", "database", "s3")

# Document numbers (文号), per kind of document: {prefix} (the setting document_prefix), {year} and {seq} (the
# number within the kind and year; a format spec such as {seq:03d} pads it). Every pattern needs {seq}.
DEFAULT_DOCUMENT_PATTERNS: dict[str, str] = {
    "application": "{prefix}纪容申〔{year}〕{seq}号",
    "acceptance_notice": "{prefix}纪容受〔{year}〕{seq}号",
    "refusal_notice": "{prefix}纪容不受〔{year}〕{seq}号",
    "supplement_notice": "{prefix}纪容补〔{year}〕{seq}号",
    "investigation_report": "{prefix}纪容查〔{year}〕{seq}号",
    "meeting_minutes": "{prefix}纪容纪要〔{year}〕{seq}号",
    "ruling_letter": "{prefix}纪容裁〔{year}〕{seq}号",
    "feedback_notice": "{prefix}纪容反〔{year}〕{seq}号",
    "filing_notice": "{prefix}纪容备〔{year}〕{seq}号",
    "rectification_verification": "{prefix}纪容验〔{year}〕{seq}号",
    "clarification_decision": "{prefix}纪澄决〔{year}〕{seq}号",
    "clarification_letter": "{prefix}纪澄函〔{year}〕{seq}号",
    "appeal_decision": "{prefix}纪容复〔{year}〕{seq}号",
    # Its number is the filing number (备案编号), taken when the filing is registered.
    "prior_filing_certificate": "{prefix}事前备〔{year}〕{seq}号",
}
DOCUMENT_PATTERN_FIELDS = ("prefix", "year", "seq")

# The settings a model's scripts may read with setting(): procedure values only. `settings` also holds the
# deployment's own values, among them the mail server's credentials (smtp_*), and deploying a model must not
# be a way to read those. A new procedure setting that scripts need is added here by name.
SCRIPT_SETTINGS: frozenset[str] = frozenset({
    "quorum", "majority", "application_window", "stuck_after_days", "remind_before", "simple_loss_threshold",
})


@dataclass(frozen=True)
class EngineConfig:
    """Everything the engine needs to know about its deployment, fixed at start-up."""

    limits: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    settings: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    extra_holidays: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()
    timezone: str = "Asia/Shanghai"
    script_time_limit: float = 2.0
    document_patterns: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DOCUMENT_PATTERNS))

    def ratio(self, name: str) -> Fraction:
        """Return a configured ratio such as the quorum as an exact fraction."""
        return Fraction(str(self.settings[name]))


def _dates(text: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


def check_document_pattern(kind: str, pattern: object) -> None:
    """Refuse a document number pattern that names no {seq}, a field other than {prefix}, {year} and {seq}, or a
    kind that is not a short lower-case name."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", kind):
        raise ValueError(f"document kind {kind!r} must be a lower-case name of at most 40 letters, digits and _")
    if not isinstance(pattern, str):
        raise ValueError(f"document pattern {kind}: must be text, not {pattern!r}")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise ValueError(f"document pattern {kind}: {pattern!r} is not a valid pattern ({exc})") from exc
    if "seq" not in names or not set(names) <= set(DOCUMENT_PATTERN_FIELDS):
        raise ValueError(f"document pattern {kind}: {pattern!r} must contain {{seq}} and may use only "
                         f"{', '.join('{' + n + '}' for n in DOCUMENT_PATTERN_FIELDS)}")
    try:
        pattern.format(prefix="X", year=2026, seq=1)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(f"document pattern {kind}: {pattern!r} is not a valid pattern ({exc})") from exc


def _check_pool(settings: Mapping[str, Any]) -> None:
    """Refuse a pool setting that is not a whole number in range (start-up stops with the setting's name)."""
    for name, low in (("db_pool_size", 1), ("db_max_overflow", 0)):
        value = settings.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be a whole number of at least {low}, not {value!r}")
    threshold = settings.get("db_prepare_threshold")
    if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 0):
        raise ValueError(f"db_prepare_threshold must be a whole number of at least 0 or none, not {threshold!r}")


def load_config(environ: Mapping[str, str] | None = None) -> EngineConfig:
    """Build the configuration from defaults, an optional TOML file (RCJC_CONFIG) and RCJC_* variables."""
    env = os.environ if environ is None else environ
    limits = dict(DEFAULT_LIMITS)
    settings = dict(DEFAULT_SETTINGS)
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    patterns: dict[str, Any] = dict(DEFAULT_DOCUMENT_PATTERNS)
    path = env.get("RCJC_CONFIG")
    if path:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        limits.update({k: str(v) for k, v in data.get("limits", {}).items()})
        settings.update(data.get("settings", {}))
        patterns.update(data.get("documents", {}).get("patterns", {}))
        calendar = data.get("calendar", {})
        holidays = tuple(date.fromisoformat(str(d)) for d in calendar.get("extra_holidays", []))
        workdays = tuple(date.fromisoformat(str(d)) for d in calendar.get("extra_workdays", []))
    for key, value in env.items():
        if key.startswith("RCJC_LIMIT_"):
            limits[key.removeprefix("RCJC_LIMIT_").lower()] = value
    for name in ("quorum", "majority", "majority_of"):
        if f"RCJC_{name.upper()}" in env:
            settings[name] = env[f"RCJC_{name.upper()}"]
    for key, value in env.items():
        if key.startswith("RCJC_SMTP_"):
            settings[key.removeprefix("RCJC_").lower()] = value
    if "RCJC_SETTINGS_JSON" in env:
        settings.update(json.loads(env["RCJC_SETTINGS_JSON"]))
    for name in ("attachment_store", "attachment_dir", "s3_bucket", "s3_prefix", "s3_endpoint", "s3_region"):
        if f"RCJC_{name.upper()}" in env:
            settings[name] = env[f"RCJC_{name.upper()}"]
    if "RCJC_ATTACHMENT_MAX_BYTES" in env:
        settings["attachment_max_bytes"] = int(env["RCJC_ATTACHMENT_MAX_BYTES"])
    for key, value in env.items():
        if key.startswith("RCJC_DOCUMENT_PATTERN_"):
            patterns[key.removeprefix("RCJC_DOCUMENT_PATTERN_").lower()] = value
    for name in ("db_pool_size", "db_max_overflow"):
        if f"RCJC_{name.upper()}" in env:
            settings[name] = int(env[f"RCJC_{name.upper()}"])
    if "RCJC_DB_PREPARE_THRESHOLD" in env:
        text = env["RCJC_DB_PREPARE_THRESHOLD"].strip().lower()
        settings["db_prepare_threshold"] = None if text in ("", "none", "off") else int(text)
    if "RCJC_DB_PRE_PING" in env:
        settings["db_pre_ping"] = env["RCJC_DB_PRE_PING"].strip().lower() in ("1", "true", "yes", "on")
    _check_pool(settings)
    if "RCJC_DOCUMENT_PREFIX" in env:
        settings["document_prefix"] = env["RCJC_DOCUMENT_PREFIX"]
    holidays += _dates(env.get("RCJC_EXTRA_HOLIDAYS", ""))
    workdays += _dates(env.get("RCJC_EXTRA_WORKDAYS", ""))
    if settings.get("majority_of") not in MAJORITY_BASES:
        raise ValueError(f"majority_of must be one of {', '.join(MAJORITY_BASES)}, not {settings.get('majority_of')!r}")
    if settings.get("attachment_store") not in ATTACHMENT_STORES:
        raise ValueError(f"attachment_store must be one of {', '.join(ATTACHMENT_STORES)}, "
                         f"not {settings.get('attachment_store')!r}")
    if settings.get("attachment_store") == "s3" and not settings.get("s3_bucket"):
        raise ValueError("attachment_store = s3 needs s3_bucket (RCJC_S3_BUCKET)")
    if not isinstance(settings.get("attachment_max_bytes"), int) or settings["attachment_max_bytes"] < 1:
        raise ValueError(f"attachment_max_bytes must be a positive number of bytes, not {settings.get('attachment_max_bytes')!r}")
    if not isinstance(settings.get("document_prefix"), str):
        raise ValueError(f"document_prefix must be text, not {settings.get('document_prefix')!r}")
    for kind, pattern in patterns.items():
        check_document_pattern(kind, pattern)
    return EngineConfig(limits=limits, settings=settings, extra_holidays=holidays, extra_workdays=workdays,
                        document_patterns=patterns)
