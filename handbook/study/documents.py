"""What study needs to know about a document: its edition, and the sections a member
must read in its current revision, each with its minimum reading time.

The minimum reading time is the one rule against "reading" a resolution in
seconds, and it lives here only:

    required_seconds(words) = 0                         if words == 0
                            = clamp(ceil(words / 5), 2, 600) otherwise

Five words (Vietnamese syllables) per second is 300 a minute: a fast, skimming
reader. Heading-only sections (no words) need no reading and are not counted
among the sections to read."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.clock import as_utc
from handbook.content import versioning
from handbook.content.models import Document, Revision, Section
from handbook.content.versioning import VersionedCache
from handbook.errors import NotFound

WORDS_PER_SECOND = 5
MIN_SECTION_SECONDS = 2
MAX_SECTION_SECONDS = 600


def required_seconds(words: int) -> int:
    if words <= 0:
        return 0
    return max(MIN_SECTION_SECONDS, min(MAX_SECTION_SECONDS, math.ceil(words / WORDS_PER_SECOND)))


@dataclass(frozen=True)
class StudyDocument:
    id: int
    slug: str
    title: str
    revision_id: int
    edition: int
    required: dict[str, int]  # anchor → seconds, for every section of the current revision
    since: datetime | None = None  # creation of the edition's first revision: no reading before

    @cached_property  # documents are cached across requests; this is asked on every page
    def to_read(self) -> frozenset[str]:
        return frozenset(a for a, seconds in self.required.items() if seconds > 0)


@cache  # statements are immutable; building this one costs more than running it
def editions() -> Select:
    """(document_id, revision_id, edition) of every published document: the current
    revision and the number of the latest revision up to it that requires re-study."""
    current = Revision.__table__.alias("current_revision")
    restudy = case(
        (Revision.requires_restudy & (Revision.number <= current.c.number), Revision.number), else_=0
    )
    return (
        select(
            Document.id.label("document_id"),
            Document.current_revision_id.label("revision_id"),
            func.max(restudy).label("edition"),
        )
        .join(current, current.c.id == Document.current_revision_id)
        .join(Revision, Revision.document_id == Document.id)
        .where(Document.state == "published")
        .group_by(Document.id, Document.current_revision_id)
    )


def sections_to_read() -> Select:
    """(revision_id, anchor) of every section with words, in any revision."""
    return select(Section.revision_id, Section.anchor).where(Section.word_count > 0)


def load(session: Session, slug: str) -> StudyDocument:
    """A published document ready for study; NotFound for anything else."""
    row = session.execute(
        editions().add_columns(Document.slug, Document.title).where(Document.slug == slug)
    ).first()
    if row is None:
        raise NotFound("Không tìm thấy văn bản này.")
    return _study_document(session, row)


def load_many(
    session: Session, slugs: set[str], cache: VersionedCache | None = None
) -> dict[str, StudyDocument]:
    """The published ones among slugs, keyed by slug. With a cache (kept per content
    version, so any publish or revision empties it) repeated batches cost no query."""
    if cache is not None:
        found = {
            slug: cache.get(
                session, ("study-document", slug), lambda slug=slug: load_many(session, {slug}).get(slug)
            )
            for slug in slugs
        }
        return {slug: doc for slug, doc in found.items() if doc is not None}
    if not slugs:
        return {}
    rows = session.execute(
        editions().add_columns(Document.slug, Document.title).where(Document.slug.in_(slugs))
    )
    return {row.slug: _study_document(session, row) for row in rows}


def _study_document(session: Session, row) -> StudyDocument:
    sections = session.execute(
        select(Section.anchor, Section.word_count).where(Section.revision_id == row.revision_id)
    )
    required = {anchor: required_seconds(words) for anchor, words in sections}
    # Edition 0 began with the first revision; edition n with revision n.
    since = session.scalar(
        select(func.min(Revision.created_at)).where(
            Revision.document_id == row.document_id, Revision.number >= row.edition
        )
    )
    return StudyDocument(
        row.document_id, row.slug, row.title, row.revision_id, row.edition, required, as_utc(since)
    )


def require_restudy(tx: Session, actor: Actor, slug: str) -> StudyDocument:
    """Mark the current revision as requiring re-study: every completion and section
    read of earlier editions stops counting. The content version moves, so caches follow."""
    doc = load(tx, slug)
    revision = tx.get(Revision, doc.revision_id)
    if not revision.requires_restudy:
        revision.requires_restudy = True
        versioning.bump(tx)
        audit.record(tx, actor, "study.restudy_required", "document", doc.id, revision=revision.number)
    return load(tx, slug)
