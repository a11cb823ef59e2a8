"""Bearer tokens of the mobile app: issued at sign-in, expiring, revocable by their
owner and by administrators, and revoked with every session when the password or
second factor changes or the account is locked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handbook.accounts import audit, principal
from handbook.accounts.audit import Actor
from handbook.accounts.models import ApiToken
from handbook.accounts.principal import Principal
from handbook.clock import as_utc, utcnow
from handbook.errors import NotFound

PREFIX = "stdv_"
MAX_ACTIVE = 10  # per person: the oldest goes when an eleventh device signs in
TOUCH_EVERY = timedelta(hours=1)  # last use is written at most this often
_TOKEN_CHARS = 43  # token_urlsafe(32)


@dataclass(frozen=True)
class TokenMatch:
    token_id: int
    user: Principal
    stale: bool  # last use should be written


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    tx: Session, actor: Actor, user_id: int, label: str, days: int, now: datetime | None = None
) -> tuple[str, ApiToken]:
    """A new token for user_id; the token itself is returned once and never stored."""
    now = now or utcnow()
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        token_hash=digest(token),
        label=_clean_label(label),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    tx.add(row)
    tx.flush()
    _retire_beyond_limit(tx, user_id, now)
    audit.record(tx, actor, "token.issued", "user", user_id, token=row.id, label=row.label)
    return token, row


def _clean_label(label: str) -> str:
    text = " ".join("".join(ch for ch in (label or "") if ch.isprintable()).split())
    return text[:80] or "Ứng dụng di động"


def _retire_beyond_limit(tx: Session, user_id: int, now: datetime) -> None:
    active = tx.scalars(
        select(ApiToken.id)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .offset(MAX_ACTIVE)
    ).all()
    if active:
        tx.execute(update(ApiToken).where(ApiToken.id.in_(active)).values(revoked_at=now))


def find(session: Session, token: str, now: datetime | None = None) -> TokenMatch | None:
    """The live token matching `token` with its owner, or None (unknown, revoked or
    expired)."""
    if not token.startswith(PREFIX) or len(token) != len(PREFIX) + _TOKEN_CHARS:
        return None
    found = principal.load_by_token(session, digest(token))
    now = now or utcnow()
    if found is None or as_utc(found[1].token_expires_at) <= now:
        return None
    user, row = found
    stale = row.token_used_at is None or as_utc(row.token_used_at) <= now - TOUCH_EVERY
    return TokenMatch(row.token_id, user, stale)


def touch(tx: Session, token_id: int, now: datetime | None = None) -> None:
    tx.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now or utcnow()))


def active_for(session: Session, user_id: int, now: datetime | None = None) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user_id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > (now or utcnow()),
            )
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke(tx: Session, actor: Actor, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of user_id's tokens; NotFound for anyone else's, revoked or unknown."""
    row = tx.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)
        )
    )
    if row is None:
        raise NotFound("Không tìm thấy phiên đăng nhập trên thiết bị này.")
    row.revoked_at = utcnow()
    audit.record(tx, actor, "token.revoked", "user", user_id, token=row.id)
    return row


def revoke_all(tx: Session, user_id: int | None = None) -> int:
    """Revoke every live token of user_id (of everyone when None); returns how many."""
    stmt = update(ApiToken).where(ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return tx.execute(stmt).rowcount
