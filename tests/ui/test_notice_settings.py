"""The notification bell shows a count only when something is unread; each user ticks which notifications they
receive on their own settings page (and through the API), and the next notification follows the choice."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications.inbox import mark_all_read
from engine.persistence.models import Notification
from engine.procedure import supervision
from tests.support.pages import first_task, new_browser, start_case
from tests.support.people import PASSWORD


def ticked(page: str, box: str) -> bool:
    """Whether the settings page shows the checkbox `box` ticked."""
    found = re.search(rf'name="{box}" value="1" ?(checked)?', page)
    assert found, box
    return found.group(1) is not None


def test_the_bell_has_a_badge_only_while_something_is_unread(app: Flask, deployed: EngineContext) -> None:
    start_case(app)
    intake = new_browser(app, "intake")
    assert 'data-testid="unread">1<' in intake.get("/inbox").get_data(as_text=True)  # the new task
    mark_all_read(deployed, "intake")
    page = intake.get("/inbox").get_data(as_text=True)
    assert 'class="bell"' in page and 'data-testid="unread"' not in page


def test_a_user_saves_their_choices_and_the_next_notification_follows_them(
    app: Flask, deployed: EngineContext, people: dict[str, Actor]
) -> None:
    start_case(app)
    task_id = first_task(app, "intake")
    intake = new_browser(app, "intake")
    assert 'data-testid="notice-settings-link"' in intake.get("/notifications").get_data(as_text=True)
    page = intake.get("/notifications/settings").get_data(as_text=True)
    assert "我或本组有新任务" in page and "本单位的案件已作出裁定" in page and "reminder" not in page.split("<form")[0]
    # Reminders come by mail too unless turned off; a new task only in the app.
    assert ticked(page, "in_app_reminder") and ticked(page, "mail_reminder") and not ticked(page, "mail_new_task")
    assert intake.post("/notifications/settings", {"in_app_new_task": "1"}, csrf=False).status_code == 400
    saved = intake.post("/notifications/settings", {"in_app_new_task": "1", "mail_new_task": "1"})
    assert saved.status_code == 302
    page = intake.get(saved.headers["Location"]).get_data(as_text=True)
    assert "通知设置已保存" in page and not ticked(page, "in_app_reminder") and ticked(page, "mail_new_task")
    # Another user's settings are their own: still the defaults.
    assert ticked(new_browser(app, "chair").get("/notifications/settings").get_data(as_text=True), "in_app_reminder")
    supervision.remind(deployed, people["supervisor"], task_id, "请今天办结")
    with deployed.sessions() as s:
        kinds = list(s.scalars(select(Notification.kind).where(Notification.username == "intake")))
    assert kinds == ["new_task"]  # reminders turned off in the app: none written


def test_signed_out_visitors_are_sent_to_sign_in(app: Flask) -> None:
    visitor = new_browser(app)
    assert "/login" in visitor.get("/notifications/settings").headers["Location"]
    assert visitor.post("/notifications/settings", {"in_app_new_task": "1"}, csrf=False).status_code in (302, 400)


def test_the_api_reads_and_replaces_my_choices(app: Flask, deployed: EngineContext) -> None:
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "intake", "password": PASSWORD}).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/v1/notifications/settings", headers=auth).get_json()["items"]
    assert first[0] == {"kind": "new_task", "in_app": True, "mail": False} and len(first) == 6
    body = {"items": [{"kind": "escalation", "in_app": True, "mail": True}]}
    saved = client.put("/api/v1/notifications/settings", json=body, headers=auth).get_json()["items"]
    assert {"kind": "escalation", "in_app": True, "mail": True} in saved
    assert client.put("/api/v1/notifications/settings", json={"items": [{"kind": "nonsense", "in_app": True, "mail": True}]},
                      headers=auth).status_code == 400
    assert client.get("/api/v1/notifications/settings").status_code == 401
