"""Importing a year's holiday schedule on a real database: provisional due dates, recomputation, CLI and admin page."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from engine.access import users
from engine.access.policy import SYSTEM, Actor
from engine.calendar import load_schedule_json
from engine.context import EngineContext
from engine.errors import Forbidden, FormInvalid
from engine.library.deploy import deploy
from engine.persistence import audit
from engine.persistence.models import AuditEvent, CalendarYear, TaskIndex
from engine.persistence.uow import UnitOfWork
from engine.procedure import calendar_changes, holiday_schedules, services
from tests.support.bpmn import mini_files
from tests.support.client import sign_in
from tests.support.clock import FrozenClock
from tests.support.context import make_context
from tests.support.pages import new_browser
from webapp import create_app
from webapp.cli import main

# Sunday 20 Dec 2026, 10:00 in Beijing: ten working days reach into 2027, which chinese-calendar 1.11 does not know.
LATE_DECEMBER = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)
FALLBACK_DUE = datetime(2027, 1, 1, 15, 59, 59, tzinfo=UTC)  # Friday 1 Jan counted as a working day
OFFICIAL_DUE = datetime(2027, 1, 4, 15, 59, 59, tzinfo=UTC)  # 1–3 Jan off: Monday 4 Jan
SCHEDULE_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": ["2027-02-06"]}


def start_mini(ctx: EngineContext, actor: Actor, files: dict[str, bytes] | None = None) -> str:
    """Start a case of the small process (deploying it if needed); the id of its review task (limit: 10wd)."""
    deploy(ctx, SYSTEM, files or mini_files())
    return services.start_case(ctx, actor, "mini", "standard", {"title": "测试"}).open_task_ids[0]


def due_of(ctx: EngineContext, task_id: str) -> tuple[datetime | None, bool]:
    with ctx.sessions() as session:
        row = session.get(TaskIndex, task_id)
        assert row is not None
        return row.due_at, row.due_provisional


def mini_counted_from(day: str) -> dict[str, bytes]:
    """The small process whose review limit counts from a date a script task sets before it."""
    files = mini_files()
    bpmn = files["mini.bpmn"].decode("utf-8")
    bpmn = bpmn.replace('<bpmn:flowNodeRef>review</bpmn:flowNodeRef>',
                        '<bpmn:flowNodeRef>prepare</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>')
    bpmn = bpmn.replace('<spiffworkflow:property name="limit" value="acceptance"/>',
                        '<spiffworkflow:property name="limit" value="acceptance"/>'
                        '<spiffworkflow:property name="limit_from" value="counted_from"/>')
    bpmn = bpmn.replace('<bpmn:incoming>f1</bpmn:incoming>\n      <bpmn:outgoing>f2</bpmn:outgoing>',
                        '<bpmn:incoming>f0</bpmn:incoming>\n      <bpmn:outgoing>f2</bpmn:outgoing>')
    bpmn = bpmn.replace('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>',
                        '<bpmn:scriptTask id="prepare" name="准备"><bpmn:incoming>f1</bpmn:incoming>'
                        f'<bpmn:outgoing>f0</bpmn:outgoing><bpmn:script>counted_from = "{day}"</bpmn:script>'
                        '</bpmn:scriptTask>'
                        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>'
                        '<bpmn:sequenceFlow id="f0" sourceRef="prepare" targetRef="review"/>')
    return {**files, "mini.bpmn": bpmn.encode("utf-8")}


def test_a_provisional_due_date_is_recomputed_when_its_year_is_imported(
    ctx: EngineContext, people: dict[str, Actor], clock: FrozenClock
) -> None:
    clock.move_to(LATE_DECEMBER)
    # Counted from Monday 21 Dec: the fallback ends on Monday 4 Jan, the official schedule on Tuesday 5 Jan.
    counted = start_mini(ctx, people["intake"], mini_counted_from("2026-12-21"))
    assert due_of(ctx, counted) == (OFFICIAL_DUE, True)
    task_id = start_mini(ctx, people["intake"])  # the plain process, now the newest version
    assert due_of(ctx, task_id) == (FALLBACK_DUE, True)

    result = calendar_changes.import_schedule(ctx, people["admin"], load_schedule_json(SCHEDULE_2027))

    assert (result.year, result.replaced, result.recomputed) == (2027, False, 2)
    assert due_of(ctx, task_id) == (OFFICIAL_DUE, False)
    assert due_of(ctx, counted) == (datetime(2027, 1, 5, 15, 59, 59, tzinfo=UTC), False)
    # A task created now counts with the imported year straight away.
    assert due_of(ctx, start_mini(ctx, people["intake"])) == (OFFICIAL_DUE, False)
    with ctx.sessions() as session:
        stored = session.get(CalendarYear, 2027)
        assert stored is not None and stored.holidays == SCHEDULE_2027["holidays"] and stored.imported_by == "admin"
        event = session.scalars(select(AuditEvent).where(AuditEvent.chain == audit.SYSTEM_CHAIN,
                                                         AuditEvent.event == "calendar_imported")).one()
        assert event.details["year"] == 2027 and event.details["recomputed"] == 2
        assert all(report.ok for report in audit.verify(session))

    # Importing the year again (a correction) replaces it; nothing is provisional any more.
    again = calendar_changes.import_schedule(ctx, people["owner"], load_schedule_json(SCHEDULE_2027))
    assert (again.replaced, again.recomputed) == (True, 0)


def test_who_may_import_and_which_years(ctx: EngineContext, people: dict[str, Actor], clock: FrozenClock) -> None:
    clock.move_to(LATE_DECEMBER)
    task_id = start_mini(ctx, people["intake"])
    with pytest.raises(Forbidden):
        calendar_changes.import_schedule(ctx, people["supervisor"], load_schedule_json(SCHEDULE_2027))
    with pytest.raises(FormInvalid, match="已内置"):
        calendar_changes.import_schedule(ctx, people["admin"], load_schedule_json({"year": 2026, "holidays": []}))
    assert due_of(ctx, task_id) == (FALLBACK_DUE, True)
    assert ctx.calendar.source(2027) == "fallback"
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CalendarYear)) == 0


def test_a_failed_import_changes_nothing(
    ctx: EngineContext, people: dict[str, Actor], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.move_to(LATE_DECEMBER)
    task_id = start_mini(ctx, people["intake"])

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        calendar_changes.import_schedule(ctx, people["admin"], load_schedule_json(SCHEDULE_2027))
    assert ctx.calendar.source(2027) == "fallback"
    assert due_of(ctx, task_id) == (FALLBACK_DUE, True)
    with ctx.sessions() as session:
        assert session.get(CalendarYear, 2027) is None


def test_another_process_picks_up_an_imported_year(
    ctx: EngineContext, db_url: str, people: dict[str, Actor], clock: FrozenClock
) -> None:
    clock.move_to(LATE_DECEMBER)
    server = make_context(db_url, clock)  # a process started before the import, e.g. the web server
    try:
        calendar_changes.import_schedule(ctx, people["admin"], load_schedule_json(SCHEDULE_2027))
        assert server.calendar.source(2027) == "fallback"
        assert due_of(server, start_mini(server, people["intake"])) == (OFFICIAL_DUE, False)
        assert server.calendar.source(2027) == "imported"
        fresh = make_context(db_url, clock)
        assert holiday_schedules.load_schedules(fresh) == 1 and fresh.calendar.source(2027) == "imported"
        fresh.db.dispose()
    finally:
        server.db.dispose()


def test_the_api_flags_a_provisional_due_date(deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock) -> None:
    clock.move_to(LATE_DECEMBER)
    task_id = start_mini(deployed, people["intake"])
    intake = sign_in(create_app({"TESTING": True}, context=deployed).test_client(), "intake")
    task = intake.get(f"/tasks/{task_id}")
    assert task["due_provisional"] is True and task["due_at"].startswith("2027-01-01T15:59:59")
    calendar_changes.import_schedule(deployed, people["admin"], load_schedule_json(SCHEDULE_2027))
    task = intake.get(f"/tasks/{task_id}")
    assert task["due_provisional"] is False and task["due_at"].startswith("2027-01-04T15:59:59")


def test_the_command_line_imports_and_shows_a_year(
    cli: CliRunner, db_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.move_to(LATE_DECEMBER)
    assert cli.invoke(main, ["init"]).exit_code == 0
    ctx = make_context(db_url, clock)
    try:
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            users.create_user(uow.session, "intake", "Lantern-Meadow-2718", ["intake"], uow.now)
            uow.commit()
        with ctx.sessions() as session:
            task_id = start_mini(ctx, users.actor_for(session, "intake"))
        unknown = cli.invoke(main, ["calendar", "show", "2027"])
        assert unknown.exit_code == 0 and "not known" in unknown.output

        schedule = tmp_path / "2027.json"
        schedule.write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
        imported = cli.invoke(main, ["calendar", "import", str(schedule)])
        assert imported.exit_code == 0, imported.output
        assert "calendar 2027 imported" in imported.output and "1 due date(s) recomputed" in imported.output
        assert due_of(ctx, task_id) == (OFFICIAL_DUE, False)
        shown = cli.invoke(main, ["calendar", "show", "2027"])
        assert shown.exit_code == 0 and "2027: imported" in shown.output
        assert "2027-01-01, 2027-01-02, 2027-01-03" in shown.output and "make-up workdays (1): 2027-02-06" in shown.output
        built_in = cli.invoke(main, ["calendar", "show", "2026"])
        assert built_in.exit_code == 0 and "chinese-calendar" in built_in.output and "2026-10-10" in built_in.output
    finally:
        ctx.db.dispose()

    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"year": 2028, "holidays": [', encoding="utf-8")
    wrong_year = tmp_path / "wrong.json"
    wrong_year.write_text(json.dumps({"year": 2028, "holidays": ["2027-12-31"]}), encoding="utf-8")
    built_in_year = tmp_path / "2026.json"
    built_in_year.write_text(json.dumps({"year": 2026, "holidays": []}), encoding="utf-8")
    for path, reason in ((bad_json, "不是有效的 JSON"), (wrong_year, "不在 2028 年"), (built_in_year, "已内置"),
                         (tmp_path / "missing.json", "无法读取文件")):
        refused = cli.invoke(main, ["calendar", "import", str(path)])
        assert refused.exit_code == 1, refused.output
        assert f"{path}: " in refused.output and reason in refused.output


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"SESSION_COOKIE_SECURE": True}


def upload(content: str | bytes, name: str = "2027.json") -> dict[str, object]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return {"schedule": (io.BytesIO(data), name)}


def test_the_admin_page_imports_a_schedule(
    app: Flask, deployed: EngineContext, people: dict[str, Actor], clock: FrozenClock
) -> None:
    clock.move_to(LATE_DECEMBER)
    task_id = start_mini(deployed, people["intake"])
    admin = new_browser(app, "admin")
    page = admin.get("/admin/calendar")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-year="2027"' in text and "未知" in text
    assert "期限为暂定的待办任务：1 个" in text and "节假日日历" in text  # the page and its link in the menu

    refused = admin.post("/admin/calendar", upload('{"year": 2027, "holidays": ["2027-02-30"]}', "bad.json"))
    assert refused.status_code == 400
    assert "bad.json" in refused.get_data(as_text=True) and "无效日期" in refused.get_data(as_text=True)
    not_json = admin.post("/admin/calendar", upload("holidays: 2027-01-01"))
    assert not_json.status_code == 400 and "不是有效的 JSON" in not_json.get_data(as_text=True)
    built_in = admin.post("/admin/calendar", upload(json.dumps({"year": 2026, "holidays": []})))
    assert built_in.status_code == 400 and "已内置" in built_in.get_data(as_text=True)
    assert admin.post("/admin/calendar", {}).status_code == 400
    assert admin.post("/admin/calendar", upload(json.dumps(SCHEDULE_2027)), csrf=False).status_code == 400
    assert due_of(deployed, task_id) == (FALLBACK_DUE, True)

    done = admin.post("/admin/calendar", upload(json.dumps(SCHEDULE_2027)))
    assert done.status_code == 302
    after = admin.get("/admin/calendar").get_data(as_text=True)
    assert "2027 年放假安排已导入，1 个待办期限已重新计算" in after and "期限为暂定的待办任务：0 个" in after
    assert due_of(deployed, task_id) == (OFFICIAL_DUE, False)


def test_only_administrators_open_the_calendar_page(app: Flask, people: dict[str, Actor]) -> None:
    assert new_browser(app).get("/admin/calendar").status_code == 302  # to the sign-in page
    for who in ("intake", "owner", "supervisor"):
        visitor = new_browser(app, who)
        assert "节假日日历" not in visitor.get("/inbox").get_data(as_text=True)
        assert visitor.get("/admin/calendar").status_code == 403, who
        assert visitor.post("/admin/calendar", upload(json.dumps(SCHEDULE_2027))).status_code == 403, who
    assert new_browser(app, "admin").get("/admin/calendar").status_code == 200
