"""The notifications page and the cadre register page a page at a time: page links that keep the filter, the true
count, no row on two pages, a page number out of range shown as the nearest page rather than an error."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from engine.access.policy import Actor
from engine.context import EngineContext
from engine.notifications.inbox import mark_all_read
from tests.support.driver import apply
from tests.support.lists import file_records, notify_many
from tests.support.pages import Browser, new_browser
from tests.support.transports import ServiceTransport
from webapp.ui import views_register


def shown(page: str, attribute: str) -> list[str]:
    """The ids a page lists, in order, by the data attribute of their rows."""
    return re.findall(rf'{attribute}="(\d+)"', page)


def links(page: str, testid: str) -> dict[str, str]:
    """The pager's links by their words (上一页, 下一页)."""
    nav = re.search(rf'<nav class="pager"[^>]*data-testid="{testid}">(.*?)</nav>', page, re.S)
    assert nav, page
    return {word: html.unescape(href) for href, word in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(1))}


def text(visitor: Browser, path: str) -> str:
    response = visitor.get(path)
    assert response.status_code == 200, path
    return str(response.get_data(as_text=True))


def test_notifications_page_with_links(app: Flask, deployed: EngineContext) -> None:
    notify_many(deployed, "intake", 53)
    notify_many(deployed, "investigator", 2, "别人的提醒")
    intake = new_browser(app, "intake")
    first = text(intake, "/notifications")
    assert "共 53 条通知，其中 53 条未读" in first and "第 1 页，共 2 页" in first
    assert "提醒 52" in first and "提醒 02" not in first and "别人的提醒" not in first
    assert list(links(first, "pager-notifications")) == ["下一页"]
    second = text(intake, links(first, "pager-notifications")["下一页"])
    assert "第 2 页，共 2 页" in second and list(links(second, "pager-notifications")) == ["上一页"]
    ids = shown(first, "data-notification") + shown(second, "data-notification")
    assert len(ids) == len(set(ids)) == 53
    # A page past the end, or not a number, still answers: the last page, or the first.
    assert shown(text(intake, "/notifications?page=9999"), "data-notification") == shown(second, "data-notification")
    assert shown(text(intake, "/notifications?page=-3"), "data-notification") == shown(first, "data-notification")
    assert shown(text(intake, "/notifications?page=x"), "data-notification") == shown(first, "data-notification")
    other = text(new_browser(app, "chair"), "/notifications")
    assert "没有通知" in other and 'data-testid="pager-notifications"' not in other


def test_the_unread_filter_keeps_to_its_pages(app: Flask, deployed: EngineContext) -> None:
    notify_many(deployed, "intake", 5, "旧提醒")
    mark_all_read(deployed, "intake")
    notify_many(deployed, "intake", 52, "未读")
    intake = new_browser(app, "intake")
    unread = text(intake, "/notifications?unread=1")
    assert "52 条未读" in unread and "第 1 页，共 2 页" in unread and "旧提醒" not in unread
    following = links(unread, "pager-notifications")["下一页"]
    assert "unread=1" in following
    rest = text(intake, following)
    assert shown(rest, "data-notification") and "旧提醒" not in rest
    assert "共 57 条通知，其中 52 条未读" in text(intake, "/notifications")
    mark_all_read(deployed, "intake")
    assert "没有未读通知" in text(intake, "/notifications?unread=1")


def test_register_pages_keep_the_search(app: Flask, deployed: EngineContext, people: dict[str, Actor],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_register, "PER_PAGE", 4)
    via = ServiceTransport(deployed, people)
    file_records(deployed, [apply(via, matter=f"档案事项{n:02d}").case_id for n in range(6)])
    orgdept = new_browser(app, "orgdept")
    first = text(orgdept, "/register?name=档案干部&from=2026-03-02")
    assert "共 12 条记录" in first and "第 1 页，共 3 页" in first
    following = links(first, "pager-register")["下一页"]
    assert "name=" in following and "from=2026-03-02" in following and "page=2" in following
    second = text(orgdept, following)
    third = text(orgdept, links(second, "pager-register")["下一页"])
    assert "第 3 页，共 3 页" in third and list(links(third, "pager-register")) == ["上一页"]
    records = shown(first, "data-record") + shown(second, "data-record") + shown(third, "data-record")
    assert len(records) == len(set(records)) == 12
    # The outcome filter applies before paging: one page of three, no pager.
    exempt = text(orgdept, "/register?name=档案干部&outcome=MITIGATE")
    assert "共 2 条记录" in exempt and len(shown(exempt, "data-record")) == 2 and "pager-register" not in exempt
    # Out of range: the last page, or the first; never an error.
    assert shown(text(orgdept, "/register?name=档案干部&page=99999"), "data-record") == shown(third, "data-record")
    for bad in ("0", "-1", "x", "1234567"):
        assert shown(text(orgdept, f"/register?name=档案干部&page={bad}"), "data-record") == shown(first, "data-record")


def test_register_pages_stay_closed_to_others(app: Flask, deployed: EngineContext, people: dict[str, Actor]) -> None:
    file_records(deployed, [apply(ServiceTransport(deployed, people)).case_id])
    for who in ("applicant", "other_applicant", "intake"):
        refused = new_browser(app, who).get("/register?name=档案干部&page=2")
        body = refused.get_data(as_text=True)
        assert refused.status_code == 403 and "data-record" not in body and "事项00" not in body
