"""The application window: a tolerance application is filed before the accountability decision, or within the
configured window (setting `application_window`, default one month) after the applicant received it.

The start form records the day the decision was received in `accountability_decision_date`; empty means no
decision yet. The window is counted like every limit: from the end of that day, a calendar-unit window whose
last day is a day off ending on the next working day. Checked when a case is started, before anything is
stored, so that a late application is a refused form naming the field rather than a case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from engine.calendar import parse_limit
from engine.config import DEFAULT_SETTINGS
from engine.context import EngineContext
from engine.errors import FormInvalid, Message
from engine.procedure.case_functions import end_of_day

DECISION_RECEIVED = "accountability_decision_date"
SETTING = "application_window"
_UNITS = {"working_days": "个工作日", "months": "个月", "days": "日"}


def _window(ctx: EngineContext) -> tuple[int, str]:
    """The configured window as (amount, unit); raises ValueError when it is not a limit such as "1mo"."""
    return parse_limit(str(ctx.config.settings.get(SETTING, DEFAULT_SETTINGS[SETTING])))


def check(ctx: EngineContext, data: Mapping[str, Any]) -> None:
    """Refuse an application whose accountability decision was received longer ago than the window allows.

    Raises FormInvalid naming `accountability_decision_date`.
    """
    received = data.get(DECISION_RECEIVED)
    if received in (None, ""):
        return
    # The start form has already checked that the value is a date.
    day = date.fromisoformat(str(received))
    now = ctx.clock.now()
    tz = ZoneInfo(ctx.config.timezone)
    if day > now.astimezone(tz).date():
        raise FormInvalid({DECISION_RECEIVED: ["问责决定送达日期不能晚于今天"]})
    amount, unit = _window(ctx)
    closes = ctx.calendar.deadline(end_of_day(ctx, day), amount, unit).at
    if now > closes:
        last_day = closes.astimezone(tz).date().isoformat()
        raise FormInvalid({DECISION_RECEIVED: [
            Message("已超过申请期限：收到问责决定后应在 %(amount)s %(units)s内提出容错免责申请（截至 %(last_day)s）",
                    amount=amount, units=Message(_UNITS[unit]), last_day=last_day)]})
