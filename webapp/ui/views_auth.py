"""Signing in and out, changing the password, switching the language."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.access import accounts, tokens
from engine.errors import FormInvalid

from .. import engine_messages
from ..context import engine_context
from .blueprint import UiBlueprint
from .session import current_user, login_required, safe_next, sign_in, sign_out
from .setup import LANGUAGES

bp = UiBlueprint("ui_auth", __name__)

# While a user must change the temporary password an administrator gave them, only these pages open.
PASSWORD_FIRST_ALLOWED = frozenset({"ui_auth.password", "ui_auth.logout", "ui_auth.login", "ui_auth.language"})


@bp.before_app_request
def password_first() -> ResponseReturnValue | None:
    """Send a user whose password was reset by an administrator to the password page until they change it."""
    endpoint = request.endpoint or ""
    if not endpoint.startswith("ui_") or endpoint in PASSWORD_FIRST_ALLOWED:
        return None
    user = current_user()
    if user is not None and user.must_change_password:
        return redirect(url_for("ui_auth.password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; failures are throttled like the API's."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    try:
        account = accounts.check_password(engine_context(), username, request.form.get("password", ""),
                                          (request.remote_addr or "unknown")[:64])
    except (tokens.BadCredentials, tokens.TooManyAttempts) as exc:
        status = 429 if isinstance(exc, tokens.TooManyAttempts) else 401
        message = _("Too many failed sign-ins; try again later.") if status == 429 else _("Wrong username or password.")
        return render_template("login.html", error=message, username=username, next=request.form.get("next", "")), status
    sign_in(account)
    if account.must_change_password:
        return redirect(url_for("ui_auth.password"))
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session (deleted on the server, not merely forgotten by this browser)."""
    sign_out()
    return redirect(url_for("ui_auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    """Change one's own password; the user's other sessions and API tokens end, this browser stays signed in."""
    user = current_user()
    assert user is not None
    must = user.must_change_password
    if request.method == "GET":
        return render_template("password.html", errors={}, must_change=must)
    if request.form.get("new_password") != request.form.get("confirm_password"):
        return render_template("password.html", errors={"confirm_password": [_("The two new passwords differ.")]},
                               must_change=must), 400
    try:
        changed = accounts.change_password(engine_context(), user.username, request.form.get("old_password", ""),
                                           request.form.get("new_password", ""))
    except FormInvalid as exc:
        return render_template("password.html", errors=engine_messages.field_texts(exc.fields), must_change=must), 400
    sign_in(changed)
    flash(_("Your password was changed."))
    return redirect(url_for("ui_inbox.inbox"))


@bp.post("/language")
def language() -> ResponseReturnValue:
    """Switch between Chinese and English."""
    chosen = request.form.get("lang", "zh_CN")
    response = make_response(redirect(safe_next(request.form.get("next"))))
    if chosen in LANGUAGES:
        response.set_cookie("lang", chosen, max_age=365 * 86400, httponly=True, samesite="Lax")
    return response
