"""Ingestion of reading events: validate a batch, store each event once, credit only
the new ones to their sections. Safe to repeat, reorder and run concurrently.

A batch is one write transaction: the events are inserted with ON CONFLICT
(user_id, client_event_id) DO NOTHING RETURNING, so the database itself says which
are new, and only those add seconds to `section_reads` in an upsert that can
only ever add. `read_at` is set by the same statement the first time the total
reaches the section's minimum reading time, and never changes after.

Credit is bounded by time that really passed (timeline.py): an event "S seconds
ending at T" covers [T−S, T], and earns only the part of it no other event of the
member covers, across sections, documents and batches. It may not end after now
plus CLOCK_SKEW ("future") nor before the edition's first revision existed, and
its start is cut to that revision ("before_revision"). Events earning less than
they claimed keep a flag for the secretaries' review ("overlap" or
"before_revision"); refused ones are stored too, credited 0, so a resend is a
duplicate.

Wire format (POST /hoc-tap/tien-do, JSON, X-CSRFToken header):
    {"events": [{"id": "<client uuid>", "document": "<slug>", "anchor": "<section>",
                 "seconds": 1..600, "occurred_at": "<ISO 8601 with offset>"}, ...]}
answered with the ids accepted (new), duplicates (seen before) and rejected (with
a reason: document, anchor, future or before_revision), all of which the client may
forget, the accepted ones credited less than claimed (capped: id, credited, reason),
plus the reading progress of each document in the batch. Any other field: 400."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, literal
from sqlalchemy.orm import Session

from handbook.clock import utcnow
from handbook.content.versioning import VersionedCache
from handbook.errors import Invalid, Problem, UnexpectedField, refuse_unknown
from handbook.study import documents, progress, sql, timeline
from handbook.study.documents import StudyDocument
from handbook.study.models import ReadingEvent, SectionRead
from handbook.text import storable

MAX_BATCH = 50
MIN_SECONDS, MAX_SECONDS = 1, 600
MAX_CREDIT = 120  # one event never credits more than two minutes
CLOCK_SKEW = timedelta(minutes=2)  # a phone's clock may run this far ahead of ours
FUTURE, BEFORE_REVISION, OVERLAP = "future", "before_revision", "overlap"
EVENT_KEYS = frozenset({"id", "document", "anchor", "seconds", "occurred_at"})
BATCH_KEYS = frozenset({"events"})
_EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Event:
    id: str
    document: str
    anchor: str
    seconds: int
    occurred_at: datetime


@dataclass
class BatchResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    capped: list[dict] = field(default_factory=list)
    documents: list[StudyDocument] = field(default_factory=list)


def parse_batch(body, max_events: int = MAX_BATCH) -> list[Event]:
    """The events of a JSON body. Any key outside the schema (a user or unit id, say)
    refuses the whole batch with UnexpectedField: a member writes only their own
    progress, and the server alone says who that is. Bad values raise Invalid with
    every problem."""
    if not isinstance(body, dict):
        raise UnexpectedField("Cần một đối tượng JSON có danh sách 'events'.")
    refuse_unknown(body, BATCH_KEYS, "yêu cầu")
    raw = body.get("events")
    if not isinstance(raw, list):
        raise Invalid([Problem("events", "Cần danh sách 'events'.")])
    for item in raw:
        if isinstance(item, dict):
            refuse_unknown(item, EVENT_KEYS, "sự kiện")
    if not 1 <= len(raw) <= max_events:
        raise Invalid([Problem("events", f"Mỗi lần gửi từ 1 đến {max_events} sự kiện.")])
    events, problems = [], []
    for i, item in enumerate(raw):
        try:
            events.append(_parse_event(item))
        except Invalid as error:
            problems += [Problem(f"events[{i}].{p.field}", p.reason) for p in error.problems]
    if problems:
        raise Invalid(problems)
    return events


def _parse_event(item) -> Event:
    if not isinstance(item, dict) or set(item) != EVENT_KEYS:
        fields = ", ".join(sorted(EVENT_KEYS))
        raise Invalid([Problem("*", f"Sự kiện phải có đúng các trường {fields}.")])
    problems = []
    if not isinstance(item["id"], str) or not _EVENT_ID.match(item["id"]):
        problems.append(Problem("id", "Mã sự kiện gồm 8–64 chữ, số, '-' hoặc '_'."))
    for key, limit in (("document", 120), ("anchor", 200)):
        if not isinstance(item[key], str) or len(item[key]) > limit:
            problems.append(Problem(key, "Giá trị không hợp lệ."))
    seconds = item["seconds"]
    if isinstance(seconds, float) and seconds.is_integer():
        seconds = int(seconds)  # JSON has one number type: 5.0 is the integer 5
    if type(seconds) is not int or not MIN_SECONDS <= seconds <= MAX_SECONDS:
        problems.append(Problem("seconds", f"Số giây từ {MIN_SECONDS} đến {MAX_SECONDS}."))
    occurred = _parse_time(item["occurred_at"])
    if occurred is None:
        problems.append(Problem("occurred_at", "Thời điểm theo ISO 8601, có múi giờ."))
    if problems:
        raise Invalid(problems)
    return Event(item["id"], item["document"], item["anchor"], seconds, occurred)


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def _reason(event: Event, doc: StudyDocument | None) -> str | None:
    """Why a well-formed event names nothing to read; it is dropped, not retried."""
    if doc is None:
        return "document"
    if event.anchor not in doc.required:
        return "anchor"
    return None


def record_batch(
    tx: Session,
    user_id: int,
    events: list[Event],
    now: datetime | None = None,
    cache: VersionedCache | None = None,
) -> BatchResult:
    """Store and credit a parsed batch for user_id, in the caller's write transaction."""
    now = now or utcnow()
    # A name that cannot be stored (a lone surrogate, say) names no document.
    docs = documents.load_many(tx, {e.document for e in events if storable(e.document)}, cache)
    result, valid, seen = BatchResult(), [], set()
    for event in events:
        if event.id in seen:
            continue
        seen.add(event.id)
        reason = _reason(event, docs.get(event.document))
        if reason:
            result.rejected.append({"id": event.id, "reason": reason})
        else:
            valid.append(event)
    result.documents = list({docs[e.document].id: docs[e.document] for e in valid}.values())
    if not valid:
        return result
    timeline.lock_member(tx, user_id)
    fresh, verdicts = _measure(tx, user_id, valid, docs, now)
    new_ids = _insert_events(tx, user_id, fresh, docs, verdicts, now)
    _report(result, valid, new_ids, verdicts)
    _credit(
        tx, user_id, [e for e in fresh if e.id in new_ids and verdicts[e.id].credited], docs, verdicts, now
    )
    return result


def credit(seconds: int) -> int:
    return min(seconds, MAX_CREDIT)


@dataclass(frozen=True)
class Verdict:
    """What a new event earns on the member's time line; `flag` says why it earns less
    than it claimed, and `refused` that it earns nothing for lying outside real time."""

    starts_at: datetime
    credited: int
    flag: str | None = None
    refused: bool = False


def _measure(
    tx: Session, user_id: int, events: list[Event], docs: dict[str, StudyDocument], now: datetime
) -> tuple[list[Event], dict[str, Verdict]]:
    """The events not stored yet, and each one's verdict, earliest first: credit only
    wall-clock time no other event of the member covers, after the revision existed
    and not in the future. (An id resent with other times is not seen here, but
    the insert's ON CONFLICT still stores and credits it only once.)"""
    spans = [(e.occurred_at - timedelta(seconds=e.seconds), e.occurred_at) for e in events]
    line, stored = timeline.load(
        tx, user_id, min(a for a, _ in spans), max(b for _, b in spans), timedelta(seconds=MAX_SECONDS)
    )
    fresh = [e for e in events if e.id not in stored]
    verdicts = {
        e.id: _verdict(e, docs[e.document].since, line, now)
        for e in sorted(fresh, key=lambda e: (e.occurred_at, e.id))
    }
    return fresh, verdicts


def _verdict(event: Event, since: datetime | None, line: timeline.Timeline, now: datetime) -> Verdict:
    end = event.occurred_at
    # A refused event covers no time (starts_at == occurred_at): it blocks no later one.
    if end > now + CLOCK_SKEW:
        return Verdict(end, 0, FUTURE, refused=True)
    if since is not None and end <= since:
        return Verdict(end, 0, BEFORE_REVISION, refused=True)
    start = end - timedelta(seconds=event.seconds)
    if since is not None and start < since:
        start = since
    free = int(line.claim(start, end).total_seconds())  # whole seconds, rounded down
    wanted = credit(event.seconds)
    if free >= wanted:
        return Verdict(start, wanted)
    cut_by_revision = (end - start).total_seconds() < wanted
    return Verdict(start, free, BEFORE_REVISION if cut_by_revision else OVERLAP)


def _insert_events(
    tx: Session,
    user_id: int,
    events: list[Event],
    docs: dict[str, StudyDocument],
    verdicts: dict[str, Verdict],
    now: datetime,
) -> set[str]:
    if not events:
        return set()
    rows = [
        {
            "user_id": user_id,
            "client_event_id": e.id,
            "document_id": docs[e.document].id,
            "anchor": e.anchor,
            "seconds": e.seconds,
            "credited": verdicts[e.id].credited,
            "occurred_at": e.occurred_at,
            "received_at": now,
            "starts_at": verdicts[e.id].starts_at,
            "flag": verdicts[e.id].flag,
        }
        for e in sorted(events, key=lambda e: e.id)
    ]
    # Sorted by id: concurrent resends of one batch (in any order) take the unique index's
    # locks in one order, so PostgreSQL never deadlocks them. One cached statement for
    # many rows ("insertmanyvalues"): no per-batch compile. ON CONFLICT stays the last
    # word on what is new, whatever the check before it saw.
    table = ReadingEvent.__table__
    stmt = (
        sql.insert(tx, table)
        .on_conflict_do_nothing(index_elements=["user_id", "client_event_id"])
        .returning(table.c.client_event_id)
    )
    return set(tx.scalars(stmt, rows))


def _report(
    result: BatchResult, events: list[Event], new_ids: set[str], verdicts: dict[str, Verdict]
) -> None:
    for e in events:
        verdict = verdicts.get(e.id) if e.id in new_ids else None
        if verdict is None:
            result.duplicates.append(e.id)
        elif verdict.refused:
            result.rejected.append({"id": e.id, "reason": verdict.flag})
        else:
            result.accepted.append(e.id)
            if verdict.flag:
                result.capped.append({"id": e.id, "credited": verdict.credited, "reason": verdict.flag})


def _credit(
    tx: Session,
    user_id: int,
    events: list[Event],
    docs: dict[str, StudyDocument],
    verdicts: dict[str, Verdict],
    now: datetime,
) -> None:
    totals: dict[tuple[int, int, str], int] = defaultdict(int)
    required: dict[tuple[int, int, str], int] = {}
    for e in events:
        doc = docs[e.document]
        key = (doc.id, doc.edition, e.anchor)
        totals[key] += verdicts[e.id].credited
        required[key] = doc.required[e.anchor]
    if not totals:
        return
    # Sorted keys: concurrent batches lock rows in one order (no deadlock on PostgreSQL).
    rows = [
        {
            "user_id": user_id,
            "document_id": d,
            "edition": ed,
            "anchor": a,
            "seconds": totals[(d, ed, a)],
            "required_seconds": required[(d, ed, a)],
            "read_at": now if totals[(d, ed, a)] >= required[(d, ed, a)] else None,
        }
        for d, ed, a in sorted(totals)
    ]
    table = SectionRead.__table__
    stmt = sql.insert(tx, table)
    new_total = table.c.seconds + stmt.excluded.seconds
    read_now = literal(now, table.c.read_at.type)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "document_id", "edition", "anchor"],
        set_={
            "seconds": new_total,
            "required_seconds": stmt.excluded.required_seconds,
            "read_at": func.coalesce(
                table.c.read_at, case((new_total >= stmt.excluded.required_seconds, read_now), else_=None)
            ),
        },
    )
    tx.execute(stmt, rows)


def sync(tx: Session, user_id: int, events: list[Event], cache: VersionedCache | None = None) -> dict:
    """Record a batch and answer as the wire format says: the ids accepted, duplicates
    and rejected, and the reading progress of each document in the batch."""
    result = record_batch(tx, user_id, events, cache=cache)
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
        "capped": result.capped,
        "documents": progress.reading_summary(tx, user_id, result.documents),
    }
