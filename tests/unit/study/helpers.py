"""Study test helpers: campaigns, reading whole documents, new revisions."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from handbook.accounts.audit import Actor
from handbook.accounts.permissions import Grant, Permissions
from handbook.accounts.vocabulary import EDITOR
from handbook.app_db import get_db
from handbook.clock import as_utc
from handbook.content import versioning
from handbook.content.models import Revision
from handbook.content.revisions import save_revision
from handbook.content.source import parse_source
from handbook.study import campaigns, completion, documents, reading
from handbook.study.models import Campaign

ACTOR = Actor.system("test")
EDITOR_PERMS = Permissions(1, (Grant(EDITOR, None, None),))
_ids = itertools.count(1)


def today() -> date:
    return campaigns.today()


def make_campaign(
    app,
    units,
    slugs,
    *,
    opens_on: date | None = None,
    deadline: date | None = None,
    pass_mark: int | None = None,
    title: str = "Học tập Nghị quyết",
) -> Campaign:
    opens_on = opens_on or today() - timedelta(days=1)
    deadline = deadline or today() + timedelta(days=30)
    with app.app_context(), get_db(app).transaction() as tx:
        doc_ids = [documents.load(tx, slug).id for slug in slugs]
        form = campaigns.CampaignInput(
            title=title,
            opens_on=opens_on.isoformat(),
            deadline=deadline.isoformat(),
            quiz_pass_mark=str(pass_mark or ""),
            document_ids=doc_ids,
            unit_ids=[u.id for u in units],
        )
        return campaigns.create(tx, ACTOR, EDITOR_PERMS, form)


class ReadingClock:
    """The end of the last reading helper events laid on the time line. Credit is
    bounded by time that really passed, and a test reads in milliseconds what a
    member reads in minutes: events follow one another from now on, each starting
    where the last ended, and are recorded as if received when the last one ends."""

    last: datetime | None = None

    @classmethod
    def next(cls, seconds: int) -> datetime:
        cls.last = max(cls.now(), cls.last or cls.now()) + timedelta(seconds=seconds)
        return cls.last

    @classmethod
    def now(cls) -> datetime:
        real = datetime.now(UTC)
        return max(real, cls.last) if cls.last else real


def backdate_library(app, delta: timedelta = timedelta(days=30)) -> None:
    """Move every revision's creation back by delta, as if the library had been
    published that long ago: events may then lie in the past (an offline read)."""
    with app.app_context(), get_db(app).transaction() as tx:
        for revision in tx.scalars(select(Revision)):
            revision.created_at = as_utc(revision.created_at) - delta
        versioning.bump(tx)  # cached study documents carry the old times


def event(
    slug: str, anchor: str, seconds: int, event_id: str | None = None, when: datetime | None = None
) -> reading.Event:
    return reading.Event(
        event_id or f"ev-{next(_ids):08d}", slug, anchor, seconds, when or ReadingClock.next(seconds)
    )


def record(app, user_id: int, events: list[reading.Event]) -> reading.BatchResult:
    with app.app_context(), get_db(app).transaction() as tx:
        return reading.record_batch(tx, user_id, events, now=ReadingClock.now())


def read_all(app, user_id: int, slug: str) -> None:
    """Send enough reading time for every section of the document's current revision."""
    with app.app_context(), get_db(app).transaction() as tx:
        doc = documents.load(tx, slug)
    events = []
    for anchor, required in doc.required.items():
        left = max(required, 1)
        while left > 0:
            events.append(event(slug, anchor, min(left, reading.MAX_CREDIT)))
            left -= reading.MAX_CREDIT
    for start in range(0, len(events), reading.MAX_BATCH):
        record(app, user_id, events[start : start + reading.MAX_BATCH])


def revise(
    app, content_dir, slug: str, extra: str = "\n\nĐoạn bổ sung.", requires_restudy: bool = False
) -> None:
    """Save a new revision of a test document with extra text at its end."""
    raw = (content_dir / f"{slug}.md").read_text(encoding="utf-8") + extra
    with app.app_context(), get_db(app).transaction() as tx:
        save_revision(tx, parse_source(slug, raw), author="test", requires_restudy=requires_restudy)


def read_one_section(app, user_id: int, slug: str) -> None:
    """Enough reading for the first section only: the member is studying, not done."""
    with app.app_context(), get_db(app).transaction() as tx:
        doc = documents.load(tx, slug)
    anchor = sorted(doc.to_read)[0]
    record(app, user_id, [event(slug, anchor, min(doc.required[anchor], reading.MAX_CREDIT))])


def complete(app, user_id: int, slug: str) -> None:
    """Read every section long enough, then confirm, as the member's own page would."""
    read_all(app, user_id, slug)
    with app.app_context(), get_db(app).transaction() as tx:
        completion.confirm(tx, user_id, slug)
