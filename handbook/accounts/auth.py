"""Authentication services: password check, first password from a one-time code,
password change, and issuing codes. No HTTP here; the caller throttles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from handbook.accounts import audit, codes, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import User
from handbook.accounts.passwords import Passwords, password_problems
from handbook.accounts.vocabulary import CODE_ACTIVATION, CODE_RESET
from handbook.clock import utcnow
from handbook.errors import Invalid, Problem

# One message for every failure: whether an account exists must not show.
LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
TOO_MANY = "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."
WRONG_CODE = "Mã xác thực không đúng hoặc đã được dùng."
CODE_FAILED = "Tên đăng nhập hoặc mã dùng một lần không đúng, hoặc mã đã hết hạn."


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    reason: str  # ok | unknown | bad_password | inactive | demo_refused

    @property
    def ok(self) -> bool:
        return self.reason == "ok"


def authenticate(
    session: Session, passwords: Passwords, username: str, password: str, allow_demo: bool
) -> LoginOutcome:
    """Check a password. Exactly one Argon2 verification runs whatever the outcome,
    so unknown accounts cost the same time as wrong passwords."""
    user = users.by_username(session, username) if len(username) <= 64 else None
    matched = passwords.verify(user.password_hash if user else None, password[:1024])
    if user is None:
        return LoginOutcome(None, "unknown")
    if not matched:
        return LoginOutcome(user, "bad_password")
    if not user.active:
        return LoginOutcome(user, "inactive")
    if user.is_demo and not allow_demo:
        return LoginOutcome(user, "demo_refused")
    return LoginOutcome(user, "ok")


def rehash_if_needed(tx: Session, passwords: Passwords, user_id: int, password: str, actor: Actor) -> None:
    """After the password matched: rehash under the current parameters if they changed."""
    user = users.get_user(tx, user_id)
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
        audit.record(tx, actor, "user.password_rehashed", "user", user.id)


def record_login(tx: Session, user_id: int, actor: Actor) -> User:
    user = users.get_user(tx, user_id)
    user.last_login_at = utcnow()
    audit.record(tx, actor, "login.succeeded", "user", user.id)
    return user


def record_failure(tx: Session, outcome: LoginOutcome, actor: Actor) -> None:
    # The typed name is not stored: people type passwords into the wrong field.
    target = outcome.user.id if outcome.user else None
    audit.record(tx, actor, "login.failed", "user" if target else "", target, reason=outcome.reason)


def logout(tx: Session, user_id: int, actor: Actor) -> None:
    """End the session everywhere: a copied cookie stops working too."""
    user = users.get_user(tx, user_id)
    user.session_version = users.new_session_version()
    audit.record(tx, actor, "logout", "user", user.id)


def _set_password(tx: Session, passwords: Passwords, user: User, password: str) -> None:
    user.password_hash = passwords.hash(password)
    user.password_changed_at = utcnow()
    users.sign_out_everywhere(tx, user)


def change_password(
    tx: Session, passwords: Passwords, user_id: int, current: str, new: str, actor: Actor
) -> User:
    """Raises Invalid if the current password is wrong or the new one is refused.
    Ends every other session of the user."""
    user = users.get_user(tx, user_id)
    problems = password_problems(new, user.username)
    if not passwords.verify(user.password_hash, current):
        problems.insert(0, Problem("mat_khau_hien_tai", "Mật khẩu hiện tại không đúng."))
    elif not problems and passwords.verify(user.password_hash, new):
        problems.append(Problem("mat_khau_moi", "Mật khẩu mới phải khác mật khẩu hiện tại."))
    if problems:
        raise Invalid(problems)
    _set_password(tx, passwords, user, new)
    audit.record(tx, actor, "user.password_changed", "user", user.id)
    return user


def redeem_code(
    tx: Session, passwords: Passwords, key: bytes, username: str, code: str, new: str, actor: Actor
) -> User:
    """Set a password with an activation or reset code. The password policy is checked
    first and identically for every username, so refusals reveal nothing about accounts."""
    if problems := password_problems(new, username):
        raise Invalid(problems)
    user = users.by_username(tx, username)
    row = codes.redeem(tx, key, user, code)
    if row is None or not user.active:
        raise Invalid([Problem("ma", CODE_FAILED)])
    _set_password(tx, passwords, user, new)
    codes.revoke(tx, user.id)
    audit.record(tx, actor, f"user.code_redeemed.{row.purpose}", "user", user.id)
    return user


def issue_activation(tx: Session, key: bytes, user: User, hours: int, actor: Actor) -> str:
    code = codes.issue(tx, key, user, CODE_ACTIVATION, hours)
    audit.record(tx, actor, "user.activation_issued", "user", user.id)
    return code


def issue_reset(tx: Session, key: bytes, user_id: int, hours: int, actor: Actor) -> str:
    """A reset code for an administrator to hand over; the old password keeps working
    until the code is used, and then every session ends."""
    user = users.get_user(tx, user_id)
    code = codes.issue(tx, key, user, CODE_RESET, hours)
    audit.record(tx, actor, "user.reset_issued", "user", user.id)
    return code
