"""One-time codes for activation and password reset: random, single use, expiring,
stored only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handbook.accounts.models import OneTimeCode, User
from handbook.clock import as_utc, utcnow

# Crockford's base32 alphabet: no I, L, O, U, so nothing is misread on paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits, and every try is throttled per account
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper().translate(_CONFUSABLE) if ch in ALPHABET)


def code_hash(key: bytes, code: str) -> str:
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def issue(tx: Session, key: bytes, user: User, purpose: str, hours: int, now: datetime | None = None) -> str:
    """A fresh code for user; earlier unused codes of the same purpose stop working.
    Returns the plain code, which is never stored."""
    now = now or utcnow()
    revoke(tx, user.id, purpose, now)
    code = new_code()
    tx.add(
        OneTimeCode(
            user_id=user.id,
            purpose=purpose,
            code_hash=code_hash(key, code),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return code


def revoke(tx: Session, user_id: int, purpose: str | None = None, now: datetime | None = None) -> None:
    query = update(OneTimeCode).where(OneTimeCode.user_id == user_id, OneTimeCode.used_at.is_(None))
    if purpose:
        query = query.where(OneTimeCode.purpose == purpose)
    tx.execute(query.values(used_at=now or utcnow()))


def redeem(
    tx: Session, key: bytes, user: User | None, code: str, now: datetime | None = None
) -> OneTimeCode | None:
    """Consume the user's code if it is theirs, unused and unexpired; None otherwise."""
    now = now or utcnow()
    digest = code_hash(key, code)
    row = tx.scalar(select(OneTimeCode).where(OneTimeCode.code_hash == digest))
    if (
        row is None
        or user is None
        or row.user_id != user.id
        or row.used_at is not None
        or as_utc(row.expires_at) <= now
    ):
        return None
    row.used_at = now
    return row
