"""The one place study percentages are computed. Every page, export and API asks
here, so a member's own page and a secretary's report cannot disagree.

All functions are set-based: pass one user id, a list, or a SELECT of user ids
(a whole cell or province) and each answer is one SQL query, not a loop.

- per member per campaign: valid completions of the campaign's documents
  ÷ the campaign's documents;
- per member overall: valid completions of assigned documents ÷ assigned
  documents, each document counted once however many campaigns hold it;
- per document: sections read ÷ sections to read (see documents.py).

A completion is valid while no later revision requires re-study (same edition).
Only published documents count, and only campaigns already open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, distinct, func, select
from sqlalchemy.orm import Session

from handbook.content.models import Section
from handbook.study import campaigns
from handbook.study.campaigns import Users
from handbook.study.documents import StudyDocument, editions
from handbook.study.models import Completion, SectionRead


def percent(done: int, total: int) -> int | None:
    """Whole percent, rounded down: 99.6 % is not shown as done. None when nothing is due."""
    return (100 * done) // total if total else None


@dataclass(frozen=True)
class Ratio:
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        return percent(self.done, self.total)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total


@cache  # immutable, and asked for by every report
def valid_completions() -> Select:
    """(user_id, document_id, completed_at, method) of completions still valid."""
    current = editions().subquery()
    return select(
        Completion.user_id, Completion.document_id, Completion.completed_at, Completion.method
    ).join(
        current,
        and_(current.c.document_id == Completion.document_id, current.c.edition == Completion.edition),
    )


def campaign_progress(
    session: Session, users: Users, as_of: datetime | None = None
) -> dict[tuple[int, int], Ratio]:
    """(user_id, campaign_id) → Ratio, for every campaign assigned to each user."""
    assigned = campaigns.assigned_documents(users, as_of).subquery()
    done = valid_completions().where(Completion.user_id.in_(users)).subquery()
    rows = session.execute(
        select(assigned.c.user_id, assigned.c.campaign_id, func.count(done.c.document_id), func.count())
        .outerjoin(
            done, and_(done.c.user_id == assigned.c.user_id, done.c.document_id == assigned.c.document_id)
        )
        .group_by(assigned.c.user_id, assigned.c.campaign_id)
    )
    return {(user, campaign): Ratio(d, t) for user, campaign, d, t in rows}


def overall_progress(session: Session, users: Users, as_of: datetime | None = None) -> dict[int, Ratio]:
    """user_id → Ratio over the distinct documents of all assigned campaigns.
    Users with nothing assigned are absent (Ratio() for them: nothing due)."""
    assigned = campaigns.assigned_documents(users, as_of).subquery()
    done = valid_completions().where(Completion.user_id.in_(users)).subquery()
    rows = session.execute(
        select(
            assigned.c.user_id,
            func.count(distinct(done.c.document_id)),
            func.count(distinct(assigned.c.document_id)),
        )
        .outerjoin(
            done, and_(done.c.user_id == assigned.c.user_id, done.c.document_id == assigned.c.document_id)
        )
        .group_by(assigned.c.user_id)
    )
    return {user: Ratio(d, t) for user, d, t in rows}


def section_totals(session: Session, document_ids: list[int]) -> dict[int, int]:
    """document_id → number of sections to read in its current revision."""
    current = editions().subquery()
    rows = session.execute(
        select(current.c.document_id, func.count(Section.id))
        .join(Section, and_(Section.revision_id == current.c.revision_id, Section.word_count > 0))
        .where(current.c.document_id.in_(document_ids))
        .group_by(current.c.document_id)
    )
    return dict(rows.all())


def _sections_read(users: Users, document_ids: list[int]) -> Select:
    current = editions().subquery()
    return (
        select(SectionRead.user_id, SectionRead.document_id, SectionRead.anchor)
        .join(
            current,
            and_(current.c.document_id == SectionRead.document_id, current.c.edition == SectionRead.edition),
        )
        .join(
            Section,
            and_(
                Section.revision_id == current.c.revision_id,
                Section.anchor == SectionRead.anchor,
                Section.word_count > 0,
            ),
        )
        .where(
            SectionRead.user_id.in_(users),
            SectionRead.read_at.is_not(None),
            SectionRead.document_id.in_(document_ids),
        )
    )


def document_progress(
    session: Session, users: Users, document_ids: list[int], totals: dict[int, int] | None = None
) -> dict[tuple[int, int], Ratio]:
    """(user_id, document_id) → sections read ÷ sections to read; users with nothing
    read yet are absent (their Ratio is 0 ÷ section_totals, which callers may pass)."""
    totals = section_totals(session, document_ids) if totals is None else totals
    read = _sections_read(users, document_ids).subquery()
    rows = session.execute(
        select(read.c.user_id, read.c.document_id, func.count()).group_by(read.c.user_id, read.c.document_id)
    )
    return {(user, doc): Ratio(n, totals.get(doc, 0)) for user, doc, n in rows}


def member_documents(session: Session, user_id: int, document_ids: list[int]) -> dict[int, Ratio]:
    """document_id → Ratio for one member, every document present."""
    totals = section_totals(session, document_ids)
    read = document_progress(session, [user_id], document_ids, totals)
    return {doc: read.get((user_id, doc), Ratio(0, totals.get(doc, 0))) for doc in document_ids}


def completed_pairs(session: Session, users: Users, document_ids: list[int]) -> set[tuple[int, int]]:
    """(user_id, document_id) of the valid completions among users × documents."""
    done = (
        valid_completions()
        .where(Completion.user_id.in_(users), Completion.document_id.in_(document_ids))
        .subquery()
    )
    rows = session.execute(select(done.c.user_id, done.c.document_id))
    return {(user, doc) for user, doc in rows}


def completed_documents(session: Session, user_id: int, document_ids: list[int]) -> set[int]:
    return {doc for _, doc in completed_pairs(session, [user_id], document_ids)}


def reading_summary(session: Session, user_id: int, docs: list[StudyDocument]) -> dict[str, dict]:
    """slug → what the reading page shows after a batch: anchors read and the percentage."""
    if not docs:
        return {}
    rows = session.execute(
        select(SectionRead.document_id, SectionRead.edition, SectionRead.anchor).where(
            SectionRead.user_id == user_id,
            SectionRead.read_at.is_not(None),
            SectionRead.document_id.in_([d.id for d in docs]),
        )
    )
    found = {(doc_id, edition, anchor) for doc_id, edition, anchor in rows}
    summary = {}
    for doc in docs:
        read = {a for a in doc.to_read if (doc.id, doc.edition, a) in found}
        ratio = Ratio(len(read), len(doc.to_read))
        summary[doc.slug] = {
            "read": sorted(read),
            "done": ratio.done,
            "total": ratio.total,
            "percent": ratio.percent,
        }
    return summary
