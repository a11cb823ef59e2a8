"""The cell grid: members × documents of a campaign, for the cell's secretary and the
committees above. Every figure comes from study.progress, the functions the member's
own page uses. Viewing is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from handbook.accounts.models import Membership, Unit, User
from handbook.accounts.permissions import Permissions
from handbook.clock import VIETNAM, as_utc, utcnow
from handbook.content.models import Document
from handbook.reports import reading_review, scope
from handbook.study import progress
from handbook.study.completion import secretary_cells
from handbook.study.models import Campaign, CampaignDocument, Completion, Reflection
from handbook.study.progress import Ratio

DONE, STUDYING, NOT_STARTED = "done", "studying", "not_started"
FILTERS = {"chua-hoc": NOT_STARTED, "qua-han": "overdue"}
SORTS = ("ten", "tien-do")


@dataclass(frozen=True)
class Cell:
    """One member × document: done (when, marked by whom) or the sections read."""

    sections: Ratio
    completed_at: datetime | None = None
    marked_by: str | None = None

    @property
    def state(self) -> str:
        if self.completed_at:
            return DONE
        return STUDYING if self.sections.done else NOT_STARTED

    @property
    def completed_on(self) -> date | None:
        """The day of completion in Vietnam."""
        return self.completed_at.astimezone(VIETNAM).date() if self.completed_at else None


@dataclass(frozen=True)
class MemberRow:
    member: User
    ratio: Ratio  # this campaign
    overall: Ratio  # every campaign assigned, as on the member's own page
    cells: list[Cell]
    reflection: Reflection | None
    overdue: bool

    @property
    def state(self) -> str:
        if self.ratio.complete:
            return DONE
        return STUDYING if any(c.state != NOT_STARTED for c in self.cells) else NOT_STARTED


@dataclass(frozen=True)
class Grid:
    unit: Unit
    campaign: Campaign
    documents: list[Document]
    rows: list[MemberRow]
    ended: bool
    can_mark: bool
    filter: str = ""
    sort: str = "ten"
    flagged_members: int = 0  # members whose reading events await review


def _documents(session: Session, campaign_id: int) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .join(CampaignDocument)
            .where(CampaignDocument.campaign_id == campaign_id, Document.state == "published")
            .order_by(CampaignDocument.position)
        )
    )


def _completions(session: Session, member_ids, doc_ids: list[int]) -> dict:
    """(user_id, document_id) → (completed_at, name of the secretary who marked it)."""
    done = (
        progress.valid_completions()
        .where(Completion.user_id.in_(member_ids), Completion.document_id.in_(doc_ids))
        .subquery()
    )
    marker = aliased(User)
    rows = session.execute(
        select(done.c.user_id, done.c.document_id, done.c.completed_at, marker.full_name)
        .join(
            Completion,
            (Completion.user_id == done.c.user_id)
            & (Completion.document_id == done.c.document_id)
            & (Completion.completed_at == done.c.completed_at),
        )
        .outerjoin(marker, marker.id == Completion.marked_by)
    )
    return {(u, d): (as_utc(at), name) for u, d, at, name in rows}


def _rows(
    session: Session, unit: Unit, campaign: Campaign, docs: list[Document], ended: bool
) -> list[MemberRow]:
    member_ids = select(Membership.user_id).where(
        Membership.unit_id == unit.id, Membership.ended_at.is_(None)
    )
    members = list(
        session.scalars(select(User).where(User.id.in_(member_ids)).order_by(User.full_name, User.id))
    )
    doc_ids = [d.id for d in docs]
    ratios = progress.campaign_progress(session, member_ids)
    overall = progress.overall_progress(session, member_ids)
    totals = progress.section_totals(session, doc_ids)
    sections = progress.document_progress(session, member_ids, doc_ids, totals)
    done = _completions(session, member_ids, doc_ids)
    notes = {
        r.user_id: r
        for r in session.scalars(
            select(Reflection).where(
                Reflection.campaign_id == campaign.id, Reflection.user_id.in_(member_ids)
            )
        )
    }
    rows = []
    for m in members:
        cells = [
            Cell(
                sections.get((m.id, d.id), Ratio(0, totals.get(d.id, 0))),
                *done.get((m.id, d.id), (None, None)),
            )
            for d in docs
        ]
        ratio = ratios.get((m.id, campaign.id), Ratio())
        rows.append(
            MemberRow(
                m,
                ratio,
                overall.get(m.id, Ratio()),
                cells,
                notes.get(m.id),
                overdue=ended and ratio.total > 0 and not ratio.complete,
            )
        )
    return rows


def _arrange(rows: list[MemberRow], filter_: str, sort: str) -> list[MemberRow]:
    if FILTERS.get(filter_) == NOT_STARTED:
        rows = [r for r in rows if r.ratio.total and r.state == NOT_STARTED]
    elif filter_ == "qua-han":
        rows = [r for r in rows if r.overdue]
    if sort == "tien-do":
        rows = sorted(rows, key=lambda r: (r.ratio.percent is None, r.ratio.percent or 0))
    return rows


def build(
    session: Session,
    perms: Permissions,
    unit_id: int,
    campaign_id: int,
    filter_: str = "",
    sort: str = "ten",
    now: datetime | None = None,
) -> Grid:
    """The grid of a cell the viewer may see; NotFound otherwise. Record the viewing
    with scope.record_access."""
    unit = scope.cell(session, perms, unit_id)
    campaign = scope.campaign(session, unit, campaign_id)
    docs = _documents(session, campaign.id)
    ended = as_utc(campaign.ends_at) <= (now or utcnow())
    rows = _arrange(_rows(session, unit, campaign, docs, ended), filter_, sort if sort in SORTS else "ten")
    return Grid(
        unit,
        campaign,
        docs,
        rows,
        ended,
        unit.id in secretary_cells(perms),
        filter_ if filter_ in FILTERS else "",
        sort if sort in SORTS else "ten",
        reading_review.members_flagged(session, unit, campaign),
    )
