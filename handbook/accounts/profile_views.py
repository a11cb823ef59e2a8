"""A member's own account: profile, password change, second-factor enrolment."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_login import current_user, fresh_login_required

from handbook import throttle
from handbook.accounts import auth, members, mfa, roles, tokens, totp, web
from handbook.accounts.access import current_permissions
from handbook.accounts.models import User
from handbook.accounts.views import bp
from handbook.app_db import get_db, session
from handbook.errors import Invalid, NotFound, Problem
from handbook.policies import member_required
from handbook.proxy import client_address
from handbook.security import safe_next


@bp.get("/tai-khoan")
@member_required
def profile():
    return render_template(
        "accounts/profile.html",
        membership=members.current(session(), current_user.id),
        grants=roles.grants_of(session(), current_user.id),
        permissions=current_permissions(),
        devices=tokens.active_for(session(), current_user.id),
    )


@bp.post("/tai-khoan/thiet-bi/<int:token_id>/thu-hoi")
@member_required
def revoke_device(token_id: int):
    try:
        with get_db().transaction() as tx:
            tokens.revoke(tx, web.actor(), current_user.id, token_id)
    except NotFound as error:
        flash(error.message, "error")
    else:
        flash("Đã thu hồi: thiết bị đó phải đăng nhập lại.", "info")
    return redirect(url_for("accounts.profile") + "#thiet-bi")


def _change_password(form):
    """The user with the new password, once typed twice alike and the old one matches."""
    if form.get("mat_khau_moi", "") != form.get("nhap_lai", ""):
        raise Invalid([Problem("nhap_lai", "Hai lần nhập mật khẩu không giống nhau.")])
    with get_db().transaction() as tx:
        return auth.change_password(
            tx,
            web.passwords(),
            current_user.id,
            form.get("mat_khau_hien_tai", ""),
            form.get("mat_khau_moi", ""),
            web.actor(),
        )


@bp.route("/tai-khoan/mat-khau", methods=["GET", "POST"])
@member_required
@fresh_login_required
def change_password():
    if request.method == "GET":
        return render_template("accounts/change_password.html")
    try:
        user = _change_password(request.form)
    except Invalid as error:
        return render_template("accounts/change_password.html", problems=error.problems), 422
    web.start_session(user, cookie_session.permanent)
    flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.", "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/tai-khoan/xac-thuc-hai-buoc", methods=["GET", "POST"])
@member_required
def second_factor():
    next_url = safe_next(request.values.get("next"), url_for("accounts.profile"))
    if request.method == "GET" or request.form.get("buoc") != "xac-nhan":
        return _enrolment_page(next_url, start=request.method == "POST")
    key, address = f"uid:{current_user.id}", client_address()
    if not throttle.reserve(throttle.SECOND_FACTOR, key, address):
        return render_template("accounts/second_factor.html", next=next_url, error=auth.TOO_MANY), 429
    with get_db().transaction() as tx:
        ok = mfa.confirm_enrolment(tx, current_user.id, request.form.get("ma", ""), web.actor())
        user = tx.get(User, current_user.id)
    if not ok:  # the reserved try stays counted
        return render_template(
            "accounts/second_factor.html",
            next=next_url,
            error="Mã không đúng. Hãy tạo mã bí mật mới và thử lại.",
        ), 422
    throttle.release(throttle.SECOND_FACTOR, key, address)
    web.start_session(user, cookie_session.permanent)
    flash("Đã bật xác thực hai bước.", "info")
    return redirect(next_url)


def _enrolment_page(next_url: str, start: bool):
    secret = uri = None
    if start and not current_user.has_totp:
        with get_db().transaction() as tx:
            secret = mfa.start_enrolment(tx, current_user.id)
        uri = totp.provisioning_uri(secret, current_user.username, current_app.config["TOTP_ISSUER"])
    return render_template(
        "accounts/second_factor.html",
        next=next_url,
        secret=secret,
        grouped=totp.grouped(secret) if secret else None,
        uri=uri,
    )
