"""The functions a case's scripts, conditions, timers and decisions may call (see docs/modeling.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access.users import group_members, person_labels
from engine.calendar import parse_limit
from engine.config import SCRIPT_SETTINGS
from engine.context import EngineContext
from engine.persistence import case_clocks
from engine.persistence.models import Case, CaseHandler
from engine.procedure import filing_citations, meeting, prior_filings, prior_rulings, typical_cases, warning_signs
from engine.procedure.prior_match import Cadre


def end_of_day(ctx: EngineContext, day: date) -> datetime:
    """The last second of a local calendar day, in UTC."""
    local = datetime.combine(day, time(23, 59, 59), ZoneInfo(ctx.config.timezone))
    return local.astimezone(ZoneInfo("UTC"))


def reminder_time(ctx: EngineContext, due: datetime) -> datetime:
    """When to remind the holder of a task due at `due`: the configured working days before, at 9 o'clock.

    A limit shorter than that lead time is reminded halfway through what is left of it.
    """
    amount, unit = parse_limit(str(ctx.config.settings.get("remind_before", "2wd")))
    tz = ZoneInfo(ctx.config.timezone)
    local_due = due.astimezone(tz).date()
    if unit == "working_days":
        day = ctx.calendar.add_working_days(local_due, -amount)
    elif unit == "months":
        day = ctx.calendar.add_months(local_due, -amount)
    else:
        day = local_due - timedelta(days=amount)
    at = datetime.combine(day, time(9, 0), tz).astimezone(ZoneInfo("UTC"))
    now = ctx.clock.now()
    return at if at > now else min(due, now + (due - now) / 2)


def case_functions(ctx: EngineContext, session: Session, case_id: int | None) -> dict[str, Callable[..., Any]]:
    """Bind the script functions to one case, its database session and the engine's clock."""

    def deadline(name: str) -> str:
        amount, unit = parse_limit(ctx.config.limits[name])
        amount = case_clocks.remaining(amount, unit, case_clocks.used_days(session, case_id, name))
        return ctx.calendar.deadline(ctx.clock.now(), amount, unit).at.isoformat()

    def deadline_from(day: str) -> str:
        return end_of_day(ctx, date.fromisoformat(str(day))).isoformat()

    def deadline_after(name: str, day: str) -> str:
        amount, unit = parse_limit(ctx.config.limits[name])
        return ctx.calendar.deadline(end_of_day(ctx, date.fromisoformat(str(day))), amount, unit).at.isoformat()

    def remind_at(due: str) -> str:
        return reminder_time(ctx, datetime.fromisoformat(str(due))).isoformat()

    def setting(name: str) -> Any:
        if name not in SCRIPT_SETTINGS:
            # A PermissionError, not a KeyError: a script cannot catch it and carry on with a default.
            raise PermissionError(f"脚本不能读取设置 {name!r}；可读取的设置：{', '.join(sorted(SCRIPT_SETTINGS))}")
        return ctx.config.settings[name]

    def eligible_members(group: str, exclude_lanes: str = "") -> list[str]:
        members = group_members(session, group)
        lanes = [lane.strip() for lane in exclude_lanes.split(",") if lane.strip()]
        if not lanes or case_id is None:
            return members
        handled = set(
            session.scalars(
                select(CaseHandler.username).where(CaseHandler.case_id == case_id, CaseHandler.group_key.in_(lanes))
            )
        )
        return [m for m in members if m not in handled]

    def quorum_met(attendees: Sequence[str], members: Sequence[str]) -> bool:
        return meeting.quorum_met(attendees, members, ctx.config.ratio("quorum"))

    def majority_reached(votes: Sequence[Any], members: Sequence[str]) -> bool:
        basis = str(ctx.config.settings.get("majority_of", "all_members"))
        return meeting.majority_reached(votes, members, ctx.config.ratio("majority"), basis)

    def minutes_draft(history: Sequence[Any], members: Sequence[str]) -> str:
        return meeting.minutes_draft(session, history, members)

    def member_choices(usernames: Sequence[str]) -> list[dict[str, str]]:
        labels = person_labels(session, usernames)
        return [{"label": labels.get(u, u), "value": u} for u in usernames]

    def prior_ruling_match(
        cadre_name: str, matter: str, cadre_unit: str | None = None, cadre_id_number: str | None = None
    ) -> dict[str, Any] | None:
        cadre = Cadre.of(cadre_name, cadre_unit, cadre_id_number)
        threshold = float(ctx.config.settings.get("prior_matter_similarity", 0.6))
        found = prior_rulings.find_prior(session, cadre, str(matter or ""), threshold, ctx.config.timezone, case_id)
        if found is None:
            return None
        return {"ruling_id": found.ruling_id, "case_id": found.case_id, "similarity": found.similarity,
                "summary": found.summary}

    def find_prior_ruling(
        cadre_name: str, matter: str, cadre_unit: str | None = None, cadre_id_number: str | None = None
    ) -> int | None:
        found = prior_ruling_match(cadre_name, matter, cadre_unit, cadre_id_number)
        return found["ruling_id"] if found is not None else None

    def repeated_tolerance(cadre_name: str, cadre_unit: str | None = None, cadre_id_number: str | None = None
                           ) -> dict[str, Any]:
        return warning_signs.earlier_tolerances(ctx, session, case_id, str(cadre_name or ""), cadre_unit, cadre_id_number)

    def typical_case_draft(source_case_id: int) -> dict[str, Any]:
        return typical_cases.draft(ctx, session, int(source_case_id))

    def typical_case_leaks(source_case_id: int, text: str) -> list[str]:
        return typical_cases.check(ctx, session, int(source_case_id), str(text or ""))

    def publish_typical_case(source_case_id: int, title: str, text: str, guidance: str) -> int:
        return typical_cases.publish(ctx, session, case_id, int(source_case_id), str(title), str(text), str(guidance),
                                     ctx.clock.now())

    def register_prior_filing() -> str:
        return prior_filings.take_number(ctx, session)

    def filing_standing(filing_id: Any) -> str:
        return filing_citations.standing_of(ctx, session, filing_id)

    def unit_filings(unit: str, cadre_name: str = "") -> str:
        return filing_citations.summary(session, unit, cadre_name)

    def past(moment: str) -> bool:
        return ctx.clock.now() > datetime.fromisoformat(str(moment))

    def case_unit() -> str:
        found = session.get(Case, case_id) if case_id is not None else None
        return (found.unit or "") if found is not None else ""

    def today() -> str:
        return ctx.clock.now().astimezone(ZoneInfo(ctx.config.timezone)).date().isoformat()

    return {
        "deadline": deadline,
        "deadline_from": deadline_from,
        "deadline_after": deadline_after,
        "remind_at": remind_at,
        "setting": setting,
        "eligible_members": eligible_members,
        "quorum_met": quorum_met,
        "majority_reached": majority_reached,
        "vote_tally": meeting.tally,
        "minutes_draft": minutes_draft,
        "member_choices": member_choices,
        "find_prior_ruling": find_prior_ruling,
        "repeated_tolerance": repeated_tolerance,
        "typical_case_draft": typical_case_draft,
        "typical_case_leaks": typical_case_leaks,
        "publish_typical_case": publish_typical_case,
        "prior_ruling_match": prior_ruling_match,
        "register_prior_filing": register_prior_filing,
        "filing_standing": filing_standing,
        "unit_filings": unit_filings,
        "past": past,
        "case_unit": case_unit,
        "today": today,
    }
