"""Signing in and out, changing the password, switching the language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.access import tokens, users
from engine.errors import FormInvalid
from engine.persistence.uow import UnitOfWork

from .session import current_user, engine_context, login_required, safe_next, sign_in, sign_out
from .setup import LANGUAGES

bp = Blueprint("ui_auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; failures are throttled like the API's."""
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    ctx = engine_context()
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        try:
            user = tokens.check_credentials(uow.session, username, request.form.get("password", ""),
                                            (request.remote_addr or "unknown")[:64], uow.now)
        except (tokens.BadCredentials, tokens.TooManyAttempts) as exc:
            uow.commit()
            status = 429 if isinstance(exc, tokens.TooManyAttempts) else 401
            message = _("Too many failed sign-ins; try again later.") if status == 429 else _("Wrong username or password.")
            return render_template("login.html", error=message, username=username, next=request.form.get("next", "")), status
        uow.commit()
        sign_in(user)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    """End the session (deleted on the server, not merely forgotten by this browser)."""
    sign_out()
    return redirect(url_for("ui_auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change one's own password; the user's other sessions and API tokens end, this browser stays signed in."""
    if request.method == "GET":
        return render_template("password.html", errors={})
    user = current_user()
    assert user is not None
    if request.form.get("new_password") != request.form.get("confirm_password"):
        return render_template("password.html", errors={"confirm_password": [_("The two new passwords differ.")]}), 400
    ctx = engine_context()
    with UnitOfWork(ctx.sessions, ctx.clock) as uow:
        try:
            changed = users.change_password(uow.session, user.username, request.form.get("old_password", ""),
                                            request.form.get("new_password", ""), uow.now)
        except FormInvalid as exc:
            return render_template("password.html", errors=exc.fields), 400
        uow.commit()
        sign_in(changed)
    flash(_("Your password was changed."))
    return redirect(url_for("ui_inbox.inbox"))


@bp.post("/language")
def language() -> Any:
    """Switch between Chinese and English."""
    chosen = request.form.get("lang", "zh_CN")
    response = make_response(redirect(safe_next(request.form.get("next"))))
    if chosen in LANGUAGES:
        response.set_cookie("lang", chosen, max_age=365 * 86400, httponly=True, samesite="Lax")
    return response
