"""Login, logout, activation and second-factor pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from handbook import throttle
from handbook.accounts import auth, mfa, web
from handbook.accounts.access import demo_allowed
from handbook.accounts.models import User
from handbook.accounts.vocabulary import ROLES, UNIT_KINDS
from handbook.app_db import get_db, session
from handbook.errors import Invalid, Problem
from handbook.policies import member_required, public
from handbook.proxy import client_address
from handbook.security import safe_next

bp = Blueprint("accounts", __name__)


def _next(default: str = "") -> str:
    return safe_next(request.values.get("next"), default or url_for("content.index"))


def _login_page(error: str = "", status: int = 200):
    return render_template(
        "accounts/login.html", error=error, next=_next(), username=request.form.get("ten_dang_nhap", "")[:64]
    ), status


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        return _login_page()
    username = request.form.get("ten_dang_nhap", "").strip()
    password, address = request.form.get("mat_khau", ""), client_address()
    if not throttle.reserve(throttle.LOGIN, username, address):
        return _login_page(auth.TOO_MANY, 429)
    outcome = auth.authenticate(session(), web.passwords(), username, password, demo_allowed())
    if not outcome.ok:  # the reserved try stays counted
        with get_db().transaction() as tx:
            auth.record_failure(tx, outcome, web.actor())
        return _login_page(auth.LOGIN_FAILED)
    throttle.release(throttle.LOGIN, username, address)
    return _password_accepted(outcome.user, password, bool(request.form.get("ghi_nho")))


def _password_accepted(user, password: str, remember: bool):
    with get_db().transaction() as tx:
        auth.rehash_if_needed(tx, web.passwords(), user.id, password, web.actor_for(user))
        if not user.has_totp:
            user = auth.record_login(tx, user.id, web.actor_for(user))
    if user.has_totp:
        web.hold_for_second_factor(user, remember, _next())
        return redirect(url_for("accounts.login_second_factor"))
    web.start_session(user, remember)
    return redirect(_next())


@bp.route("/dang-nhap/xac-thuc", methods=["GET", "POST"])
@public
def login_second_factor():
    pending = web.pending_second_factor()
    if pending is None:
        return redirect(url_for("accounts.login"))
    if request.method == "GET":
        return render_template("accounts/login_second_factor.html")
    user = _verify_pending(pending, request.form.get("ma", ""))
    if isinstance(user, str):
        return render_template(
            "accounts/login_second_factor.html", error=user
        ), 429 if user == auth.TOO_MANY else 200
    web.start_session(user, pending["remember"])
    return redirect(safe_next(pending["next"], url_for("content.index")))


def _verify_pending(pending: dict, code: str):
    """The user when the code is right; otherwise the message to show."""
    key, address = f"uid:{pending['uid']}", client_address()
    if not throttle.reserve(throttle.SECOND_FACTOR, key, address):
        return auth.TOO_MANY
    user = session().get(User, pending["uid"])
    who = web.actor_for(user) if user else web.actor()
    with get_db().transaction() as tx:
        ok = (
            user is not None
            and user.active
            and user.session_version == pending["ver"]
            and mfa.verify(tx, user.id, code, who)
        )
        if ok:
            user = auth.record_login(tx, user.id, who)
    if not ok:  # the reserved try stays counted
        return auth.WRONG_CODE
    throttle.release(throttle.SECOND_FACTOR, key, address)
    return user


@bp.post("/dang-xuat")
@member_required
def logout():
    with get_db().transaction() as tx:
        auth.logout(tx, current_user.id, web.actor())
    web.end_session()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/kich-hoat", methods=["GET", "POST"])
@public
def activate():
    if request.method == "GET":
        return render_template("accounts/activate.html")
    form = request.form
    username, address = form.get("ten_dang_nhap", "").strip(), client_address()
    if not throttle.reserve(throttle.CODE, username, address):
        return render_template("accounts/activate.html", error=auth.TOO_MANY, username=username), 429
    try:
        _redeem(username, form.get("ma", ""), form.get("mat_khau_moi", ""), form.get("nhap_lai", ""))
    except Invalid as error:
        if not any(p.field == "ma" for p in error.problems):
            throttle.release(throttle.CODE, username, address)  # no code was checked
        return render_template("accounts/activate.html", problems=error.problems, username=username[:64]), 422
    throttle.release(throttle.CODE, username, address)
    flash("Đã đặt mật khẩu. Mời bạn đăng nhập.", "info")
    return redirect(url_for("accounts.login"))


def _redeem(username: str, code: str, new: str, again: str) -> None:
    if new != again:
        raise Invalid([Problem("nhap_lai", "Hai lần nhập mật khẩu không giống nhau.")])
    with get_db().transaction() as tx:
        auth.redeem_code(tx, web.passwords(), web.code_key(), username, code, new, web.actor())


@bp.app_context_processor
def account_context() -> dict:
    return {"unit_kinds": UNIT_KINDS, "roles_vi": ROLES}
