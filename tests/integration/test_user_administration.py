"""User administration in the engine: adding, editing, disabling, password resets, unlocking, units; all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access import administration, tokens, units, users
from engine.access.administration import UserFields
from engine.access.policy import Actor
from engine.context import EngineContext
from engine.errors import Forbidden, FormInvalid
from engine.persistence import audit
from engine.persistence.models import AuditEvent, LoginFailure, User
from engine.persistence.uow import UnitOfWork
from tests.support.people import PASSWORD

TEMPORARY = "Copper-Kettle-Orchard-58"
UNIT = "示例区发展和改革局"


def system_events(ctx: EngineContext, event: str) -> list[dict[str, object]]:
    with ctx.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.chain == audit.SYSTEM_CHAIN,
                                                        AuditEvent.event == event).order_by(AuditEvent.seq))
        return [{"actor": r.actor, **r.details} for r in rows]


@pytest.fixture
def admin(ctx: EngineContext, people: dict[str, Actor]) -> Actor:
    """The administrator, with the people's units on the list."""
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        units.ensure_units(uow.session, [UNIT, "区纪委监委"])
        uow.commit()
    return people["admin"]


def fields(**changes: object) -> UserFields:
    values: dict[str, object] = {"display_name": "李华", "unit": UNIT, "position": "科员", "email": "lihua@example.cn",
                                 "groups": ("applicant_org",)}
    return UserFields(**{**values, **changes})  # type: ignore[arg-type]


def test_an_administrator_adds_a_user_who_must_change_the_temporary_password(ctx: EngineContext, admin: Actor) -> None:
    added = administration.add_user(ctx, admin, "lihua", fields(), TEMPORARY)
    assert added.must_change_password and added.groups == {"applicant_org"} and added.unit == UNIT
    with ctx.sessions() as session:
        assert users.authenticate(session, "lihua", TEMPORARY) is not None
        assert users.password_change_pending(session, "lihua")
    [created] = system_events(ctx, "user_created")
    assert created["actor"] == "admin" and created["username"] == "lihua"
    assert created["after"]["display_name"] == "李华" and created["before"] is None  # type: ignore[index]
    assert TEMPORARY not in str(created) and "argon2" not in str(created)
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.change_password(uow.session, "lihua", TEMPORARY, "Velvet-Lantern-Harbor-77", uow.now)
        uow.commit()
    with ctx.sessions() as session:
        assert not users.password_change_pending(session, "lihua")


@pytest.mark.parametrize(("username", "changes", "password", "field", "words"), [
    ("intake", {}, TEMPORARY, "username", "已被使用"),
    ("li hua", {}, TEMPORARY, "username", "登录名须为"),
    ("lihua", {"unit": "不存在的局"}, TEMPORARY, "unit", "不在单位列表中"),
    ("lihua", {}, "password1234", "password", "过于常见"),
    ("lihua", {"groups": ("wizard",)}, TEMPORARY, "groups", "未知的用户组"),
    ("lihua", {"email": "not-an-address"}, TEMPORARY, "email", "格式不正确"),
])
def test_adding_refuses_what_is_wrong_and_adds_nothing(ctx: EngineContext, admin: Actor, username: str,
                                                       changes: dict[str, object], password: str, field: str,
                                                       words: str) -> None:
    with pytest.raises(FormInvalid) as refused:
        administration.add_user(ctx, admin, username, fields(**changes), password)
    assert words in " ".join(refused.value.fields[field])
    assert system_events(ctx, "user_created") == []
    with ctx.sessions() as session:
        assert session.scalar(select(User).where(User.username == "lihua")) is None


def test_only_administrators_may_call_any_use_case(ctx: EngineContext, admin: Actor, people: dict[str, Actor]) -> None:
    supervisor = people["supervisor"]
    calls = [
        lambda: administration.list_users(ctx, supervisor),
        lambda: administration.get_user(ctx, supervisor, "intake"),
        lambda: administration.add_user(ctx, supervisor, "lihua", fields(), TEMPORARY),
        lambda: administration.edit_user(ctx, supervisor, "intake", fields()),
        lambda: administration.set_active(ctx, supervisor, "intake", False),
        lambda: administration.reset_password(ctx, supervisor, "intake", TEMPORARY),
        lambda: administration.unlock(ctx, supervisor, "intake"),
        lambda: units.list_units(ctx, supervisor),
        lambda: units.add_unit(ctx, supervisor, "新单位"),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    with ctx.sessions() as session:
        assert session.scalar(select(User.active).where(User.username == "intake")) is True


def test_editing_records_before_and_after_and_admins_keep_their_own_role(ctx: EngineContext, admin: Actor) -> None:
    changed = administration.edit_user(ctx, admin, "applicant", fields(display_name="王建国", groups=("applicant_org",
                                                                                                     "supervisor")))
    assert changed.groups == {"applicant_org", "supervisor"} and changed.position == "科员"
    [event] = system_events(ctx, "user_changed")
    assert event["before"]["groups"] == ["applicant_org"]  # type: ignore[index]
    assert event["after"]["groups"] == ["applicant_org", "supervisor"]  # type: ignore[index]
    with pytest.raises(FormInvalid) as refused:
        administration.edit_user(ctx, admin, "admin", fields(unit="区纪委监委", groups=("supervisor",)))
    assert "不能取消自己的系统管理员身份" in refused.value.fields["groups"][0]
    with pytest.raises(FormInvalid) as bad_unit:
        administration.edit_user(ctx, admin, "intake", fields(unit="随手写的单位"))
    assert "unit" in bad_unit.value.fields


def test_disabling_ends_sessions_and_tokens_and_nobody_disables_themself(ctx: EngineContext, admin: Actor) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        issued = tokens.sign_in(uow.session, "intake", PASSWORD, "10.0.0.1", uow.now)
        uow.commit()
    disabled = administration.set_active(ctx, admin, "intake", False)
    assert not disabled.active
    with ctx.sessions() as session:
        assert tokens.actor_of_token(session, issued.token, ctx.clock.now()) is None
        assert users.authenticate(session, "intake", PASSWORD) is None
    assert administration.set_active(ctx, admin, "intake", True).active
    assert [e["after"]["active"] for e in system_events(ctx, "user_disabled") + system_events(ctx, "user_enabled")] \
        == [False, True]  # type: ignore[index]
    with pytest.raises(FormInvalid) as refused:
        administration.set_active(ctx, admin, "admin", False)
    assert "不能停用自己的账号" in refused.value.fields["active"][0]


def test_a_reset_needs_a_strong_password_and_flags_the_change(ctx: EngineContext, admin: Actor) -> None:
    with pytest.raises(FormInvalid) as weak:
        administration.reset_password(ctx, admin, "intake", "short")
    assert "至少需要 12 个字符" in weak.value.fields["password"][0]
    reset = administration.reset_password(ctx, admin, "intake", TEMPORARY)
    assert reset.must_change_password
    with ctx.sessions() as session:
        assert users.authenticate(session, "intake", TEMPORARY) is not None
    [event] = system_events(ctx, "user_password_reset")
    assert event["username"] == "intake" and TEMPORARY not in str(event)


def test_a_locked_out_user_is_listed_so_and_unlocked(ctx: EngineContext, admin: Actor) -> None:
    for _ in range(tokens.MAX_FAILURES_PER_USER):
        with UnitOfWork(ctx.sessions, ctx.clock) as uow:
            with pytest.raises(tokens.BadCredentials):
                tokens.check_credentials(uow.session, "intake", "wrong", "10.0.0.9", uow.now)
            uow.commit()
    listed = {u.username: u for u in administration.list_users(ctx, admin)}
    assert listed["intake"].locked_out and not listed["investigator"].locked_out
    assert administration.unlock(ctx, admin, "intake") == tokens.MAX_FAILURES_PER_USER
    assert not administration.get_user(ctx, admin, "intake").locked_out
    with ctx.sessions() as session:
        assert session.scalar(select(LoginFailure.id).where(LoginFailure.username == "intake")) is None
    [event] = system_events(ctx, "user_unlocked")
    assert event["before"] == {"locked_out": True, "failures": tokens.MAX_FAILURES_PER_USER}


def test_the_list_filters_by_name_group_and_unit(ctx: EngineContext, admin: Actor) -> None:
    assert [u.username for u in administration.list_users(ctx, admin, group="committee")] == [
        "committee1", "committee2", "committee3"]
    assert [u.username for u in administration.list_users(ctx, admin, unit=UNIT)] == ["applicant"]
    assert [u.username for u in administration.list_users(ctx, admin, name="CHAIR")] == ["chair"]


def test_units_are_added_renamed_with_their_users_and_deactivated(ctx: EngineContext, admin: Actor) -> None:
    added = units.add_unit(ctx, admin, " 区财政局 ", "党政机关")
    assert added.name == "区财政局"
    with pytest.raises(FormInvalid) as taken:
        units.add_unit(ctx, admin, "区财政局")
    assert "已在列表中" in taken.value.fields["name"][0]
    listed = {u.name: u for u in units.list_units(ctx, admin)}
    renamed = units.change_unit(ctx, admin, listed[UNIT].id, "示例区发展改革局", "")
    assert renamed.members == 1
    with ctx.sessions() as session:
        assert users.actor_for(session, "applicant").unit == "示例区发展改革局"
    assert system_events(ctx, "unit_changed")[0]["before"]["name"] == UNIT  # type: ignore[index]
    units.set_unit_active(ctx, admin, added.id, False)
    with pytest.raises(FormInvalid):
        administration.add_user(ctx, admin, "lihua", fields(unit="区财政局"), TEMPORARY)
    assert "区财政局" not in units.active_unit_names(ctx)
    assert [e["unit"] for e in system_events(ctx, "unit_disabled")] == ["区财政局"]


def test_a_unit_given_on_the_command_line_joins_the_managed_list(ctx: EngineContext, admin: Actor) -> None:
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        users.create_user(uow.session, "newcomer", TEMPORARY, ["applicant_org"], uow.now, "示例区新设数据局")
        uow.commit()
    listed = {u.name: u for u in units.list_units(ctx, admin)}
    assert "示例区新设数据局" in listed and listed["示例区新设数据局"].members == 1
    # The administrator can now pick it for another user.
    assert administration.add_user(ctx, admin, "colleague", fields(unit="示例区新设数据局"), TEMPORARY).unit == "示例区新设数据局"
