"""The user administration pages: administrators only, forms refused with their input kept, passwords to change first."""

from __future__ import annotations

import re

from flask import Flask

from engine.access import administration, units
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.persistence.uow import UnitOfWork
from tests.support.client import sign_in as api_sign_in
from tests.support.pages import new_browser

TEMPORARY = "Copper-Kettle-Orchard-58"
OWN = "Velvet-Lantern-Harbor-77"
UNIT = "示例区发展和改革局"

PAGES = ["/admin/users", "/admin/users/new", "/admin/users/intake", "/admin/units"]
POSTS = ["/admin/users/new", "/admin/users/intake", "/admin/users/intake/active", "/admin/users/intake/password",
         "/admin/users/intake/unlock", "/admin/units", "/admin/units/1"]


def listed_units(ctx: EngineContext) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        units.ensure_units(uow.session, [UNIT, "区纪委监委"])
        uow.commit()


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_only_administrators_open_the_pages_and_the_menu_links_them(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    admin = new_browser(app, "admin")
    for path in PAGES:
        assert admin.get(path).status_code == 200, path
    assert 'href="/admin/users"' in admin.get("/admin/calendar").get_data(as_text=True)
    for who in ("supervisor", "intake"):
        visitor = new_browser(app, who)
        visitor.get("/inbox")
        assert 'href="/admin/users"' not in visitor.get("/inbox").get_data(as_text=True)
        for path in PAGES:
            assert visitor.get(path).status_code == 403, (who, path)
        for path in POSTS:
            assert visitor.post(path, {"display_name": "x", "name": "x", "password": TEMPORARY}).status_code == 403
    assert admin.get("/admin/users/nobody").status_code == 404
    assert admin.get("/admin/users/a%00b").status_code == 404  # no login holds a NUL: not found, never a 500
    assert admin.get("/admin/users?name=a%00b").status_code == 400
    assert new_browser(app).get("/admin/users").status_code == 302  # anonymous: to the sign-in page


def test_the_list_shows_names_units_and_group_labels(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    admin = new_browser(app, "admin")
    page = words(admin.get("/admin/users?group=applicant_org").get_data(as_text=True))
    table = page.split("筛选", 1)[1]
    assert "所在党组织" in table and UNIT in table and "applicant_org" not in table
    assert "区纪委监委" not in table  # the accountability officer is in another group


def test_adding_a_user_refuses_with_the_input_kept_then_adds(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    admin = new_browser(app, "admin")
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert '<select id="unit" name="unit"' in form and f'<option value="{UNIT}"' in form
    entered = {"username": "lihua", "display_name": "李华<b>", "unit": UNIT, "position": "科员", "email": "",
               "groups": "applicant_org", "password": "password1234"}
    refused = admin.post("/admin/users/new", entered)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "过于常见" in text
    assert 'value="李华&lt;b&gt;"' in text and 'value="lihua"' in text and f'<option value="{UNIT}" selected' in text
    assert admin.post("/admin/users/new", {**entered, "unit": "随手写的单位", "password": TEMPORARY}).status_code == 400
    assert admin.post("/admin/users/new", {**entered, "password": TEMPORARY}, csrf=False).status_code == 400
    added = admin.post("/admin/users/new", {**entered, "display_name": "李华", "password": TEMPORARY})
    assert added.status_code == 302 and added.headers["Location"].endswith("/admin/users/lihua")
    assert "已添加用户 李华" in admin.get("/admin/users/lihua").get_data(as_text=True)


def test_an_administrator_cannot_disable_themself(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    admin = new_browser(app, "admin")
    admin.get("/admin/users/admin")
    refused = admin.post("/admin/users/admin/active", {"active": "0"})
    assert refused.status_code == 400 and "不能停用自己的账号" in refused.get_data(as_text=True)
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_after_a_reset_the_user_must_change_the_password_first(app: Flask, deployed: EngineContext,
                                                               people: dict[str, Actor]) -> None:
    administration.reset_password(deployed, people["admin"], "intake", TEMPORARY)
    http = app.test_client()
    token_user = api_sign_in(http, "intake", TEMPORARY)
    refused = token_user.get("/me", expect=403)
    assert "请先在网页上登录并修改密码" in refused["error"]["message"]
    intake = new_browser(app)
    intake.get("/login")
    signed_in = intake.post("/login", {"username": "intake", "password": TEMPORARY})
    assert signed_in.status_code == 302 and signed_in.headers["Location"].endswith("/password")
    assert intake.get("/inbox").headers["Location"].endswith("/password")
    assert intake.get("/cases").headers["Location"].endswith("/password")
    page = intake.get("/password")
    assert page.status_code == 200 and "系统管理员为您设置了临时密码" in page.get_data(as_text=True)
    changed = intake.post("/password", {"old_password": TEMPORARY, "new_password": OWN, "confirm_password": OWN})
    assert changed.status_code == 302
    assert intake.get("/inbox").status_code == 200
    assert api_sign_in(http, "intake", OWN).get("/me")["username"] == "intake"


def test_locked_out_users_are_highlighted_and_unlocked(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    stranger = new_browser(app)
    stranger.get("/login")
    for _ in range(5):
        stranger.post("/login", {"username": "investigator", "password": "wrong"})
    admin = new_browser(app, "admin")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert '<tr data-user="investigator" class="locked-out">' in listing and "已锁定" in listing
    assert admin.post("/admin/users/investigator/unlock").status_code == 302
    assert 'class="locked-out"' not in admin.get("/admin/users").get_data(as_text=True)
    assert new_browser(app, "investigator").get("/inbox").status_code == 200


def test_units_page_refuses_a_taken_name_and_renames(app: Flask, deployed: EngineContext) -> None:
    listed_units(deployed)
    admin = new_browser(app, "admin")
    admin.get("/admin/units")
    refused = admin.post("/admin/units", {"name": UNIT, "kind": "党政机关"})
    assert refused.status_code == 400 and "已在列表中" in refused.get_data(as_text=True)
    assert 'value="党政机关"' in refused.get_data(as_text=True)
    assert admin.post("/admin/units", {"name": "区财政局", "kind": ""}).status_code == 302
    page = admin.get("/admin/units").get_data(as_text=True)
    unit_id = re.search(r'data-unit="区财政局">.*?/admin/units/(\d+)', page, re.S)
    assert unit_id
    assert admin.post(f"/admin/units/{unit_id.group(1)}", {"action": "rename", "name": "区财政局（国资办）"}).status_code == 302
    assert "区财政局（国资办）" in admin.get("/admin/units").get_data(as_text=True)
    assert admin.post("/admin/units/999999", {"action": "disable"}).status_code == 404
