"""Administration pages of users and units: list, add, edit, disable, reset passwords, unlock; the list of units."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.access import administration, units
from engine.access.administration import UserFields
from engine.errors import FormInvalid
from engine.groups import GROUP_LABELS

from ..context import engine_context
from ..engine_messages import field_texts
from .blueprint import UiBlueprint
from .session import current_actor, login_required

bp = UiBlueprint("ui_users_admin", __name__)


def _admin(username: str | None = None) -> Any:
    actor = current_actor()
    if units.ADMIN not in actor.groups:
        abort(403)
    # No login holds a NUL or is that long; PostgreSQL would refuse to even look one up.
    if username is not None and ("\x00" in username or len(username) > 80):
        abort(404)
    return actor


def _fields() -> UserFields:
    form = request.form
    return UserFields(form.get("display_name", ""), form.get("unit", ""), form.get("position", ""),
                      form.get("email", ""), administration.chosen_groups(form.getlist("groups")))


def _unit_choices(current: str | None = None) -> list[str]:
    names = units.active_unit_names(engine_context())
    return names if not current or current in names else [current, *names]


@bp.get("/admin/users")
@login_required
def users_page() -> ResponseReturnValue:
    """Users with their groups, unit and state, filtered by name, group and unit; locked-out users stand out."""
    actor = _admin()
    name, group, unit = (request.args.get(k, "")[:200] for k in ("name", "group", "unit"))
    found = administration.list_users(engine_context(), actor, name, group, unit)
    return render_template("admin_users.html", users=found, groups=GROUP_LABELS, unit_names=_unit_choices(),
                           name=name, group=group, unit=unit)


def _form_page(values: dict[str, Any], errors: dict[str, list[str]], user: Any = None,
               reset_errors: dict[str, list[str]] | None = None) -> str:
    return render_template("admin_user_form.html", values=values, errors=errors, user=user,
                           reset_errors=reset_errors or {}, groups=administration.group_choices(),
                           unit_names=_unit_choices(values.get("unit")))


def _entered() -> dict[str, Any]:
    form = request.form
    return {"username": form.get("username", ""), "display_name": form.get("display_name", ""),
            "unit": form.get("unit", ""), "position": form.get("position", ""), "email": form.get("email", ""),
            "groups": list(administration.chosen_groups(form.getlist("groups")))}


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def new_user() -> ResponseReturnValue:
    """Add a user with a temporary password they change at their first sign-in."""
    actor = _admin()
    if request.method == "GET":
        return _form_page({"groups": []}, {})
    values = _entered()
    try:
        added = administration.add_user(engine_context(), actor, values["username"], _fields(),
                                        request.form.get("password", ""))
    except FormInvalid as exc:
        return _form_page(values, field_texts(exc.fields)), 400
    flash(_("%(name)s was added; they must change the temporary password at their first sign-in.",
            name=added.display_name))
    return redirect(url_for("ui_users_admin.edit_user", username=added.username))


def _values_of(user: administration.UserRow) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "unit": user.unit or "",
            "position": user.position or "", "email": user.email or "", "groups": sorted(user.groups)}


@bp.route("/admin/users/<username>", methods=["GET", "POST"])
@login_required
def edit_user(username: str) -> ResponseReturnValue:
    """Change a user's name, unit, position, email and groups."""
    actor = _admin(username)
    ctx = engine_context()
    user = administration.get_user(ctx, actor, username)
    if request.method == "GET":
        return _form_page(_values_of(user), {}, user)
    values = {**_entered(), "username": user.username}
    try:
        changed = administration.edit_user(ctx, actor, username, _fields())
    except FormInvalid as exc:
        return _form_page(values, field_texts(exc.fields), user), 400
    flash(_("The changes to %(name)s were saved.", name=changed.display_name))
    return redirect(url_for("ui_users_admin.edit_user", username=username))


@bp.post("/admin/users/<username>/active")
@login_required
def set_active(username: str) -> ResponseReturnValue:
    """Disable a user (their sessions and tokens end) or enable them again."""
    actor = _admin(username)
    ctx = engine_context()
    user = administration.get_user(ctx, actor, username)
    active = request.form.get("active") == "1"
    try:
        changed = administration.set_active(ctx, actor, username, active)
    except FormInvalid as exc:
        return _form_page(_values_of(user), field_texts(exc.fields), user), 400
    flash(_("%(name)s can sign in again.", name=changed.display_name) if changed.active
          else _("%(name)s was disabled and signed out everywhere.", name=changed.display_name))
    return redirect(url_for("ui_users_admin.edit_user", username=username))


@bp.post("/admin/users/<username>/password")
@login_required
def reset_password(username: str) -> ResponseReturnValue:
    """Give a user a temporary password; they must change it at their next sign-in."""
    actor = _admin(username)
    ctx = engine_context()
    user = administration.get_user(ctx, actor, username)
    try:
        changed = administration.reset_password(ctx, actor, username, request.form.get("password", ""))
    except FormInvalid as exc:
        return _form_page(_values_of(user), {}, user, field_texts(exc.fields)), 400
    flash(_("The password of %(name)s was reset; they must change it at their next sign-in.",
            name=changed.display_name))
    return redirect(url_for("ui_users_admin.edit_user", username=username))


@bp.post("/admin/users/<username>/unlock")
@login_required
def unlock(username: str) -> ResponseReturnValue:
    """Forget a user's failed sign-ins so they may try again at once."""
    actor = _admin(username)
    ctx = engine_context()
    user = administration.get_user(ctx, actor, username)
    administration.unlock(ctx, actor, username)
    flash(_("%(name)s may sign in again.", name=user.display_name))
    back = url_for("ui_users_admin.edit_user", username=username) if request.form.get("back") == "user" else None
    return redirect(back or url_for("ui_users_admin.users_page"))


def _units_page(errors: dict[str, list[str]] | None = None, entered: dict[str, str] | None = None,
                editing: int | None = None) -> str:
    found = units.list_units(engine_context(), current_actor())
    return render_template("admin_units.html", units=found, errors=errors or {}, entered=entered or {},
                           editing=editing)


@bp.route("/admin/units", methods=["GET", "POST"])
@login_required
def units_page() -> ResponseReturnValue:
    """The list of units users pick from; administrators add units here."""
    actor = _admin()
    if request.method == "GET":
        return _units_page()
    entered = {"name": request.form.get("name", ""), "kind": request.form.get("kind", "")}
    try:
        added = units.add_unit(engine_context(), actor, entered["name"], entered["kind"])
    except FormInvalid as exc:
        return _units_page(field_texts(exc.fields), entered), 400
    flash(_("%(unit)s was added to the list of units.", unit=added.name))
    return redirect(url_for("ui_users_admin.units_page"))


@bp.post("/admin/units/<int:unit_id>")
@login_required
def change_unit(unit_id: int) -> ResponseReturnValue:
    """Rename a unit (its users, cases and tasks follow), or deactivate and activate it."""
    actor = _admin()
    ctx = engine_context()
    action = request.form.get("action", "")
    if action in ("disable", "enable"):
        changed = units.set_unit_active(ctx, actor, unit_id, action == "enable")
        flash(_("%(unit)s is offered to new users again.", unit=changed.name) if changed.active
              else _("%(unit)s is no longer offered to new users; its members keep it.", unit=changed.name))
        return redirect(url_for("ui_users_admin.units_page"))
    entered = {"name": request.form.get("name", ""), "kind": request.form.get("kind", "")}
    try:
        changed = units.change_unit(ctx, actor, unit_id, entered["name"], entered["kind"])
    except FormInvalid as exc:
        return _units_page(field_texts(exc.fields), entered, unit_id), 400
    flash(_("The unit %(unit)s was saved.", unit=changed.name))
    return redirect(url_for("ui_users_admin.units_page"))
