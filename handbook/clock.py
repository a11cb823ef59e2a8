"""The one clock: stored times are UTC, people see Vietnam wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving time


def utcnow() -> datetime:
    """Every stored time is UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def vietnam_time(value: datetime | None) -> str:
    """A stored UTC time as Vietnam wall-clock time, "HH:MM dd/mm/yyyy"; "" for None."""
    return as_utc(value).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y") if value else ""


def vietnam_date(value: date | None) -> str:
    """A date as "dd/mm/yyyy"; a stored (UTC) time as its day in Vietnam; "" for None."""
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(VIETNAM)
    return value.strftime("%d/%m/%Y") if value else ""
