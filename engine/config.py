"""The engine's configuration: time limits, ruling thresholds, calendar overrides."""

from __future__ import annotations

import json
import os
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
    # Reminders go out this long before a task's due date; escalation to supervisors when it passes.
    "remind_before": "2wd",
    # Serialized size (UTF-8 JSON) of the payload one message may bring into a case.
    "message_payload_bytes": MESSAGE_PAYLOAD_BYTES,
}

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

    def ratio(self, name: str) -> Fraction:
        """Return a configured ratio such as the quorum as an exact fraction."""
        return Fraction(str(self.settings[name]))


def _dates(text: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(part.strip()) for part in text.split(",") if part.strip())


def load_config(environ: Mapping[str, str] | None = None) -> EngineConfig:
    """Build the configuration from defaults, an optional TOML file (RCJC_CONFIG) and RCJC_* variables."""
    env = os.environ if environ is None else environ
    limits = dict(DEFAULT_LIMITS)
    settings = dict(DEFAULT_SETTINGS)
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()
    path = env.get("RCJC_CONFIG")
    if path:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        limits.update({k: str(v) for k, v in data.get("limits", {}).items()})
        settings.update(data.get("settings", {}))
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
    holidays += _dates(env.get("RCJC_EXTRA_HOLIDAYS", ""))
    workdays += _dates(env.get("RCJC_EXTRA_WORKDAYS", ""))
    if settings.get("majority_of") not in MAJORITY_BASES:
        raise ValueError(f"majority_of must be one of {', '.join(MAJORITY_BASES)}, not {settings.get('majority_of')!r}")
    return EngineConfig(limits=limits, settings=settings, extra_holidays=holidays, extra_workdays=workdays)
