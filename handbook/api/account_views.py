"""Sign-in for the app (a bearer token, with the web login's throttling and second
factor), the signed-in person, and their tokens."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, jsonify
from flask_login import current_user
from sqlalchemy import select

from handbook import throttle
from handbook.accounts import auth, mfa, principal, tokens, web
from handbook.accounts.access import demo_allowed
from handbook.accounts.models import ApiToken, Unit, User
from handbook.accounts.principal import Principal
from handbook.accounts.vocabulary import ROLES
from handbook.api import params
from handbook.api.blueprint import bp
from handbook.api.openapi import operation
from handbook.api.present import unit_json
from handbook.app_db import get_db, session
from handbook.db import iso
from handbook.errors import (
    SecondFactorRequired,
    TooManyAttempts,
    Unauthorized,
    refuse_unknown,
)
from handbook.notifications import inbox
from handbook.policies import member_required, public
from handbook.proxy import client_address
from handbook.text import storable

TAG = "Tài khoản"
TOKEN_FIELDS = frozenset({"username", "password", "code", "device"})


@dataclass(frozen=True)
class TokenRequest:
    username: str
    password: str
    code: str
    device: str


def _token_request(body: dict) -> TokenRequest:
    refuse_unknown(body, TOKEN_FIELDS)
    values = {key: body.get(key, "") for key in TOKEN_FIELDS}
    if (
        not all(isinstance(v, str) for v in values.values())
        or not values["username"]
        or not values["password"]
        or not storable(values["username"])
    ):
        raise Unauthorized(auth.LOGIN_FAILED)  # no stored name holds a NUL or lone surrogate
    return TokenRequest(
        values["username"].strip()[:64],
        values["password"][:1024],
        values["code"].strip()[:12],
        values["device"][:200],
    )


def _check_password(form: TokenRequest) -> User:
    address = client_address()
    if not throttle.reserve(throttle.LOGIN, form.username, address):
        raise TooManyAttempts(auth.TOO_MANY)
    outcome = auth.authenticate(session(), web.passwords(), form.username, form.password, demo_allowed())
    if not outcome.ok:  # the reserved try stays counted
        with get_db().transaction() as tx:
            auth.record_failure(tx, outcome, web.actor())
        raise Unauthorized(auth.LOGIN_FAILED)
    throttle.release(throttle.LOGIN, form.username, address)
    return outcome.user


def _check_second_factor(user: User, code: str) -> None:
    key, address = f"uid:{user.id}", client_address()
    if not code:
        raise SecondFactorRequired("Nhập mã 6 số trong ứng dụng xác thực của bạn.")
    if not throttle.reserve(throttle.SECOND_FACTOR, key, address):
        raise TooManyAttempts(auth.TOO_MANY)
    with get_db().transaction() as tx:  # committed either way: the audit, a used code
        ok = mfa.verify(tx, user.id, code, web.actor_for(user))
    if not ok:  # the reserved try stays counted
        raise SecondFactorRequired(auth.WRONG_CODE)
    throttle.release(throttle.SECOND_FACTOR, key, address)


@bp.post("/auth/token")
@public
@operation(
    "Đăng nhập và nhận mã truy cập",
    tag=TAG,
    body="TokenRequest",
    responses={201: "TokenIssued", 401: "Error", 429: "Error"},
    description="Cùng quy tắc với đăng nhập trên web: giới hạn số lần sai, "
    "và mã xác thực hai bước khi tài khoản đã bật.",
)
def issue_token():
    form = _token_request(params.json_object())
    user = _check_password(form)
    if user.has_totp:
        _check_second_factor(user, form.code)
    with get_db().transaction() as tx:
        who = web.actor_for(user)
        auth.rehash_if_needed(tx, web.passwords(), user.id, form.password, who)
        auth.record_login(tx, user.id, who)
        token, row = tokens.issue(tx, who, user.id, form.device, current_app.config["API_TOKEN_DAYS"])
        token_id, expires_at = row.id, row.expires_at
    me = principal.load(session(), user.id)
    return jsonify(
        token=token, token_type="Bearer", token_id=token_id, expires_at=iso(expires_at), user=me_json(me)
    ), 201


@bp.delete("/auth/token")
@member_required
@operation("Đăng xuất: thu hồi mã đang dùng", tag=TAG, responses={204: None})
def revoke_current_token():
    with get_db().transaction() as tx:
        tokens.revoke(tx, web.actor(), current_user.id, g.api_token_id)
    return "", 204


@bp.get("/auth/tokens")
@member_required
@operation("Các thiết bị đang đăng nhập", tag=TAG, responses={200: "TokenList"})
def list_tokens():
    found = tokens.active_for(session(), current_user.id)
    return jsonify(items=[_token_json(t) for t in found])


@bp.delete("/auth/tokens/<int:token_id>")
@member_required
@operation("Thu hồi mã của một thiết bị", tag=TAG, responses={204: None})
def revoke_token(token_id: int):
    with get_db().transaction() as tx:
        tokens.revoke(tx, web.actor(), current_user.id, token_id)
    return "", 204


@bp.get("/me")
@member_required
@operation("Người đang đăng nhập", tag=TAG, responses={200: "Me"})
def me():
    return jsonify(me_json(current_user))


def _token_json(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "label": token.label,
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": iso(token.last_used_at),
        "current": token.id == g.get("api_token_id"),
    }


def me_json(user: Principal) -> dict:
    perms = user.permissions
    unit_ids = {grant.unit_id for grant in perms.grants if grant.unit_id} | {perms.cell_id}
    units = {u.id: u for u in session().scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "cell": unit_json(units[perms.cell_id]) if perms.cell_id in units else None,
        "roles": [
            {
                "role": grant.role,
                "label": ROLES[grant.role],
                "unit": unit_json(units[grant.unit_id]) if grant.unit_id in units else None,
            }
            for grant in perms.grants
        ],
        "second_factor": user.has_totp,
        "unread_notifications": inbox.unread_of(user),
    }
