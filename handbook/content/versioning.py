"""The content version: bumped in the same transaction as any change to documents."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handbook.clock import as_utc, utcnow
from handbook.content.models import ContentVersion


def bump(session: Session) -> None:
    session.execute(
        update(ContentVersion)
        .where(ContentVersion.id == 1)
        .values(version=ContentVersion.version + 1, updated_at=utcnow())
    )


def current(session: Session) -> int:
    return session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0


def stamp(session: Session) -> str:
    """The version with the time it was bumped: unlike the number alone, it also tells
    a database restored from a backup (whose count may repeat one seen before) apart."""
    row = session.execute(
        select(ContentVersion.version, ContentVersion.updated_at).where(ContentVersion.id == 1)
    ).first()
    if row is None:
        return "0"
    return f"{row.version}@{as_utc(row.updated_at).isoformat()}"


class VersionedCache:
    """Per-process memo of values derived from published content.

    Everything is dropped when the content version moves; the version is read at
    most once per `ttl` seconds, so a change made on any node shows within ttl."""

    def __init__(self, ttl: float = 1.0, max_entries: int = 512) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: int | None = None
        self._checked = 0.0

    def get(self, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
        self._follow_version(session)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def _follow_version(self, session: Session) -> None:
        now = time.monotonic()
        if now - self._checked < self.ttl:
            return
        version = current(session)
        with self._lock:
            self._checked = now
            if version != self._version:
                self._entries.clear()
                self._version = version
