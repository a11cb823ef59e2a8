"""HTTP-side helpers of accounts: the app's password hasher, the acting person,
starting and ending a login session, the half-done login awaiting a second factor."""

from __future__ import annotations

import hashlib
import time

from flask import Flask, current_app, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from handbook.accounts.access import AUTH_AT
from handbook.accounts.audit import Actor
from handbook.accounts.models import User
from handbook.accounts.passwords import HashParams, Passwords
from handbook.proxy import client_address

PENDING = "_second_factor"
PENDING_SECONDS = 300


def init_app(app: Flask) -> None:
    app.extensions["handbook.passwords"] = Passwords(HashParams.from_config(app.config))


def passwords() -> Passwords:
    return current_app.extensions["handbook.passwords"]


def code_key() -> bytes:
    """Key of the one-time codes' HMAC, derived from SECRET_KEY for this purpose only."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.sha256(b"handbook.one-time-codes\0" + secret).digest()


def actor() -> Actor:
    if current_user.is_authenticated:
        return Actor(current_user.id, current_user.username, client_address())
    return Actor(None, "", client_address())


def actor_for(user: User) -> Actor:
    """The user about to be logged in, before current_user knows them."""
    return Actor(user.id, user.username, client_address())


def start_session(user: User, remember: bool) -> None:
    """Log the user in on a brand new session: nothing planted before survives."""
    session.clear()
    login_user(user, remember=False)
    session.permanent = remember  # "remember me" = the session outlives the browser
    session[AUTH_AT] = int(time.time())
    generate_csrf()  # seeded now, so the pages that follow never rewrite the cookie for it


def end_session() -> None:
    logout_user()
    session.clear()


def hold_for_second_factor(user: User, remember: bool, next_url: str) -> None:
    """Password accepted; the session knows only who is half-way through."""
    session.clear()
    session[PENDING] = {
        "uid": user.id,
        "ver": user.session_version,
        "at": int(time.time()),
        "remember": remember,
        "next": next_url,
    }


def pending_second_factor() -> dict | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending
