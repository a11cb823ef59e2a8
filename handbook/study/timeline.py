"""A member's reading time line: the wall-clock intervals their events already cover.

An event "read S seconds ending at T" covers [T−S, T]. One person reads one thing
at a time, so a second of wall-clock time is credited once, whatever the section
or document: an event earns at most the part of its interval no earlier event
(in this batch or in the database) covers."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts.models import User
from handbook.clock import as_utc
from handbook.study.models import ReadingEvent

ZERO = timedelta(0)


class Timeline:
    """Disjoint, sorted spans of covered time; claim() adds one and says what was new."""

    def __init__(self, spans: list[tuple[datetime, datetime]] = ()) -> None:
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []
        for start, end in sorted(spans):
            self.claim(start, end)

    def claim(self, start: datetime, end: datetime) -> timedelta:
        """Cover [start, end]; returns how much of it was not covered before."""
        if end <= start:
            return ZERO
        lo = bisect_left(self._ends, start)  # first span ending at or after start
        hi = bisect_right(self._starts, end)  # spans from lo to hi touch [start, end]
        covered = sum(
            (
                min(e, end) - max(s, start)
                for s, e in zip(self._starts[lo:hi], self._ends[lo:hi], strict=True)
            ),
            ZERO,
        )
        fresh = (end - start) - covered
        if lo < hi:
            start, end = min(start, self._starts[lo]), max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]
        return fresh

    @property
    def spans(self) -> list[tuple[datetime, datetime]]:
        return list(zip(self._starts, self._ends, strict=True))


def lock_member(tx: Session, user_id: int) -> None:
    """Serialise one member's batches: two devices syncing at once must not both spend
    the same minutes. SQLite's BEGIN IMMEDIATE already serialises every writer."""
    if tx.get_bind().dialect.name != "sqlite":
        tx.execute(select(User.id).where(User.id == user_id).with_for_update())


def load(
    tx: Session, user_id: int, start: datetime, end: datetime, longest: timedelta
) -> tuple[Timeline, set[str]]:
    """The member's covered time overlapping [start, end], and the client ids of the
    events found there (a resent event lies in its own window). `longest` is the
    longest interval one event may cover: the search stays on the (user_id,
    occurred_at) index."""
    rows = tx.execute(
        select(
            ReadingEvent.client_event_id,
            ReadingEvent.starts_at,
            ReadingEvent.occurred_at,
            ReadingEvent.seconds,
        ).where(
            ReadingEvent.user_id == user_id,
            ReadingEvent.occurred_at > start,
            ReadingEvent.occurred_at < end + longest,
        )
    )
    spans, ids = [], set()
    for client_id, starts_at, occurred_at, seconds in rows:
        ids.add(client_id)
        stop = as_utc(occurred_at)
        # Events stored before the time line was kept: the interval they claimed.
        begin = as_utc(starts_at) if starts_at is not None else stop - timedelta(seconds=seconds)
        if begin < end:
            spans.append((begin, stop))
    return Timeline(spans), ids


def flagged(session: Session, users, limit: int = 200) -> list[ReadingEvent]:
    """Events of users (ids or a SELECT of them) credited less than they claimed or
    refused, newest first: what a secretary reviews. Legacy rows have no flag."""
    return list(
        session.scalars(
            select(ReadingEvent)
            .where(ReadingEvent.user_id.in_(users), ReadingEvent.flag.is_not(None))
            .order_by(ReadingEvent.occurred_at.desc(), ReadingEvent.id.desc())
            .limit(limit)
        )
    )
