"""Armed timers follow the calendar: a year's schedule imported, or the configured closures changed, moves them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from engine.access.policy import Actor
from engine.calendar import load_schedule_json
from engine.config import EngineConfig
from engine.context import EngineContext
from engine.persistence.models import AuditEvent, Case, Notification, TaskIndex
from engine.procedure import calendar_changes, services
from engine.procedure.timers import fire_due_timers
from tests.support.clock import FrozenClock
from tests.support.context import make_context
from tests.support.driver import APPLICATION
from webapp.cli import main

# Monday 28 December 2026, 09:00 in Beijing. Ten working days of the supplement window reach into 2027, which
# chinese-calendar does not know: counted Monday–Friday the window ends on Monday 11 January (provisional).
FILED = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)
PROVISIONAL_LAPSE = "2027-01-11T15:59:59+00:00"
PROVISIONAL_REMINDER = "2027-01-07T01:00:00+00:00"  # two working days before, at 09:00
# The official schedule gives 1 January and a week from 4 to 8 January off: the window ends on Tuesday 19 January.
HOLIDAY_WEEK = {"year": 2027, "holidays": ["2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07",
                                           "2027-01-08"], "workdays": []}
OFFICIAL_LAPSE = "2027-01-19T15:59:59+00:00"
OFFICIAL_REMINDER = "2027-01-15T01:00:00+00:00"
SUPPLEMENT = {"acceptance": "supplement", "acceptance_reason": "缺少会议纪要", "supplement_request": "请补充"}


def waiting_for_supplement(ctx: EngineContext, people: dict[str, Actor]) -> tuple[int, str]:
    """An application whose intake officer asked for supplementary materials at once; the case and task ids."""
    case = services.start_case(ctx, people["applicant"], "rcjc_case", "application", APPLICATION)
    services.complete_task(ctx, people["intake"], case.open_task_ids[0], SUPPLEMENT)
    with ctx.sessions() as session:
        task_id = session.scalar(select(TaskIndex.id).where(TaskIndex.case_id == case.case_id))
    assert task_id is not None
    return case.case_id, task_id


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def due_of(ctx: EngineContext, task_id: str) -> tuple[str, bool]:
    with ctx.sessions() as session:
        row = session.get(TaskIndex, task_id)
        assert row is not None and row.due_at is not None
        return row.due_at.isoformat(), row.due_provisional


def state(ctx: EngineContext, case_id: int) -> tuple[str, str | None, datetime | None]:
    with ctx.sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.status, case.closure, case.next_timer_at


def reminders(ctx: EngineContext, case_id: int) -> list[str]:
    with ctx.sessions() as session:
        return list(session.scalars(select(Notification.username).where(Notification.case_id == case_id,
                                                                          Notification.kind == "reminder")))


def moves(ctx: EngineContext, case_id: int) -> list[list[dict[str, Any]]]:
    with ctx.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                          AuditEvent.event == "timers_rearmed").order_by(AuditEvent.seq))
        return [e.details["moves"] for e in events]


def import_2027(ctx: EngineContext, people: dict[str, Actor], schedule: dict[str, Any]) -> calendar_changes.ImportResult:
    return calendar_changes.import_schedule(ctx, people["admin"], load_schedule_json(schedule))


def test_the_supplement_window_lapses_on_the_official_date_and_its_reminder_moves_with_it(
    deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock
) -> None:
    clock.move_to(FILED)
    case_id, task_id = waiting_for_supplement(deployed, people)
    assert due_of(deployed, task_id) == (PROVISIONAL_LAPSE, True)
    assert state(deployed, case_id)[2] == at(PROVISIONAL_REMINDER)
    clock.move_to(datetime(2026, 12, 29, 2, 0, tzinfo=UTC))
    result = import_2027(deployed, people, HOLIDAY_WEEK)
    assert (result.timers_moved, result.cases_moved) == (2, 1)
    assert due_of(deployed, task_id) == (OFFICIAL_LAPSE, False)
    assert state(deployed, case_id)[2] == at(OFFICIAL_REMINDER)
    assert sorted((m["from"], m["to"]) for m in moves(deployed, case_id)[0]) == [
        (PROVISIONAL_REMINDER, OFFICIAL_REMINDER), (PROVISIONAL_LAPSE, OFFICIAL_LAPSE)]
    # Past the provisional dates: neither the reminder nor the lapse fires.
    clock.move_to(datetime(2027, 1, 12, 2, 0, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == []
    assert state(deployed, case_id)[:2] == ("running", None) and reminders(deployed, case_id) == []
    clock.move_to(datetime(2027, 1, 15, 2, 0, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == [case_id] and reminders(deployed, case_id) == ["applicant"]
    clock.move_to(datetime(2027, 1, 19, 16, 30, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == [case_id]
    assert state(deployed, case_id)[:2] == ("completed", "supplement_lapsed")
    assert reminders(deployed, case_id) == ["applicant"]


def test_a_reminder_that_has_fired_stays_fired(deployed: EngineContext, people: dict[str, Actor],
                                               clock: FrozenClock) -> None:
    clock.move_to(FILED)
    case_id, _ = waiting_for_supplement(deployed, people)
    clock.move_to(datetime(2027, 1, 7, 2, 0, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == [case_id] and reminders(deployed, case_id) == ["applicant"]
    result = import_2027(deployed, people, HOLIDAY_WEEK)
    assert result.timers_moved == 1
    assert moves(deployed, case_id) == [[{"timer": moves(deployed, case_id)[0][0]["timer"], "from": PROVISIONAL_LAPSE,
                                          "to": OFFICIAL_LAPSE}]]
    clock.move_to(datetime(2027, 1, 15, 2, 0, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == [] and reminders(deployed, case_id) == ["applicant"]
    clock.move_to(datetime(2027, 1, 19, 16, 30, tzinfo=UTC))
    assert fire_due_timers(deployed).fired == [case_id]
    assert state(deployed, case_id)[:2] == ("completed", "supplement_lapsed")


def test_a_timer_moved_into_the_past_fires_once_on_the_next_sweep(
    deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock
) -> None:
    clock.move_to(FILED)
    case_id, _ = waiting_for_supplement(deployed, people)
    # Saturday 2 and Sunday 3 January become make-up working days: the window ended on Thursday 7 January.
    clock.move_to(datetime(2027, 1, 8, 2, 0, tzinfo=UTC))
    import_2027(deployed, people, {"year": 2027, "holidays": [], "workdays": ["2027-01-02", "2027-01-03"]})
    assert [m["to"] for m in moves(deployed, case_id)[0] if m["from"] == PROVISIONAL_LAPSE] == ["2027-01-07T15:59:59+00:00"]
    assert state(deployed, case_id)[2] is not None and state(deployed, case_id)[2] < clock.now()  # type: ignore[operator]
    assert fire_due_timers(deployed).fired == [case_id]
    assert state(deployed, case_id)[:2] == ("completed", "supplement_lapsed")
    assert fire_due_timers(deployed).fired == []


def test_changed_closures_move_due_dates_and_armed_timers_once(
    deployed: EngineContext, db_url: str, people: dict[str, Actor], clock: FrozenClock
) -> None:
    # Monday 2 March 2026: the supplement window ends on Monday 16 March; a week's closure moves it to the 23rd.
    case_id, task_id = waiting_for_supplement(deployed, people)
    assert due_of(deployed, task_id) == ("2026-03-16T15:59:59+00:00", False)
    assert calendar_changes.follow_configured_overrides(deployed) is None  # nothing configured, nothing to do
    closed = make_context(db_url, clock, EngineConfig(extra_holidays=tuple(date(2026, 3, d) for d in range(9, 14))))
    try:
        result = calendar_changes.follow_configured_overrides(closed)
        assert result is not None and (result.recomputed, result.timers_moved, result.cases_moved) == (1, 2, 1)
        assert due_of(closed, task_id) == ("2026-03-23T15:59:59+00:00", False)
        assert sorted(m["to"] for m in moves(closed, case_id)[0]) == ["2026-03-19T01:00:00+00:00",
                                                                     "2026-03-23T15:59:59+00:00"]
        assert calendar_changes.follow_configured_overrides(closed) is None  # applied once, by whichever node starts first
    finally:
        closed.db.dispose()


def test_calendar_show_counts_the_open_cases_with_provisional_dates(
    deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock, cli: CliRunner
) -> None:
    clock.move_to(FILED)
    waiting_for_supplement(deployed, people)
    before = cli.invoke(main, ["calendar", "show", "2027"])
    assert before.exit_code == 0 and "open cases with provisional dates in 2027: 1" in before.output
    import_2027(deployed, people, HOLIDAY_WEEK)
    after = cli.invoke(main, ["calendar", "show", "2027"])
    assert after.exit_code == 0 and "open cases with provisional dates in 2027: 0" in after.output
