"""The second factor: enrolment, verification with replay refusal, and reset."""

from __future__ import annotations

from sqlalchemy.orm import Session

from handbook.accounts import audit, totp, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import User


def start_enrolment(tx: Session, user_id: int) -> str:
    """A new secret, pending until a code from it is confirmed. Shown once."""
    user = users.get_user(tx, user_id)
    user.totp_pending_secret = totp.new_secret()
    return user.totp_pending_secret


def confirm_enrolment(tx: Session, user_id: int, code: str, actor: Actor) -> bool:
    """True if the code matches the pending secret; the secret becomes the user's.
    Other sessions end, so none keeps tools it reached without the second factor."""
    user = users.get_user(tx, user_id)
    if not user.totp_pending_secret:
        return False
    step = totp.matching_step(user.totp_pending_secret, code, 0)
    if step is None:
        audit.record(tx, actor, "mfa.enrol_failed", "user", user.id)
        return False
    user.totp_secret, user.totp_pending_secret = user.totp_pending_secret, None
    user.totp_last_step = step
    users.sign_out_everywhere(tx, user)
    audit.record(tx, actor, "mfa.enrolled", "user", user.id)
    return True


def verify(tx: Session, user_id: int, code: str, actor: Actor) -> bool:
    user = users.get_user(tx, user_id)
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step) if user.totp_secret else None
    if step is None:
        audit.record(tx, actor, "mfa.failed", "user", user.id)
        return False
    user.totp_last_step = step
    audit.record(tx, actor, "mfa.succeeded", "user", user.id)
    return True


def reset(tx: Session, user_id: int, actor: Actor) -> User:
    """Remove the second factor (lost phone); the user must enrol again."""
    user = users.get_user(tx, user_id)
    user.totp_secret = user.totp_pending_secret = None
    user.totp_last_step = 0
    users.sign_out_everywhere(tx, user)
    audit.record(tx, actor, "mfa.reset", "user", user.id)
    return user
