"""The user administration page in Chromium: add a user, reset a password, unlock someone locked out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.access import tokens, units, users
from engine.access.demo_users import DEMO_USERS
from engine.context import EngineContext
from engine.persistence.models import User
from engine.persistence.uow import UnitOfWork
from tests.support.browser_ui import screenshot, watch_console
from tests.support.people import PASSWORD

TEMPORARY = "Copper-Kettle-Orchard-58"
UNIT = "示例区发展和改革局"


def lock_out(ctx: EngineContext, username: str) -> None:
    """Too many wrong passwords for a user from one address: the throttle refuses them."""
    for _ in range(tokens.MAX_FAILURES_PER_USER):
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            with pytest.raises(tokens.BadCredentials):
                tokens.check_credentials(uow.session, username, "wrong-password", "10.0.0.7", uow.now)
            uow.commit()


def test_an_administrator_adds_a_user_resets_a_password_and_unlocks(page: Page, deployed: EngineContext) -> None:
    with UnitOfWork(deployed.sessions, deployed.clock) as uow:
        units.ensure_units(uow.session, [UNIT, "区纪委监委", "区委组织部"])
        for name, _groups, _unit, display, position in DEMO_USERS:  # people as the page shows them: by name
            uow.session.execute(update(User).where(User.username == name).values(display_name=display, position=position))
        uow.commit()
    lock_out(deployed, "investigator")
    errors = watch_console(page)
    page.goto("/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.locator("header nav a", has_text="用户管理").click()
    expect(page).to_have_url(re.compile(r"/admin/users$"))

    page.get_by_role("link", name="添加用户").click()
    page.fill("#username", "lihua")
    page.fill("#display_name", "李华")
    page.select_option("#unit", UNIT)
    page.fill("#position", "办公室科员")
    page.locator('input[name="groups"][value="applicant_org"]').check()
    page.fill("#password", TEMPORARY)
    with page.expect_navigation():
        page.get_by_role("button", name="添加用户").click()
    expect(page).to_have_url(re.compile(r"/admin/users/lihua$"))
    expect(page.locator(".flash")).to_contain_text("已添加用户 李华")
    expect(page.get_by_test_id("user-state")).to_contain_text("下次登录时须修改密码")

    page.goto("/admin/users/intake")
    page.fill("#reset_password", TEMPORARY)
    with page.expect_navigation():
        page.get_by_test_id("reset-password").get_by_role("button", name="重置密码").click()
    expect(page.locator(".flash")).to_contain_text("密码已重置")
    with deployed.sessions() as session:
        assert users.authenticate(session, "intake", TEMPORARY) is not None

    page.goto("/admin/users")
    locked = page.locator('tr[data-user="investigator"]')
    expect(locked).to_have_class("locked-out")
    expect(locked).to_contain_text("已锁定")
    expect(page.locator('tr[data-user="lihua"]')).to_contain_text("所在党组织")
    screenshot(page, "user-admin", full_page=True)
    with page.expect_navigation():
        locked.get_by_role("button", name="解除锁定").click()
    expect(page.locator('tr[data-user="investigator"]')).not_to_have_class("locked-out")
    expect(page.locator(".flash")).to_contain_text("登录锁定已解除")
    assert errors == []
