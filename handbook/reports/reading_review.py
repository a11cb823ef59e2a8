"""Reading events credited less than they claimed, for the cell's secretary to review:
time claimed twice (overlap), before the edition existed or in the future. Members'
credit is already bounded (study/timeline.py); this page shows who sent such events,
so the secretary can talk with the member or mark the study done at a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook.accounts.models import Membership, Unit, User
from handbook.accounts.permissions import Permissions
from handbook.clock import as_utc
from handbook.content.models import Document
from handbook.reports import scope
from handbook.study.models import Campaign, CampaignDocument, ReadingEvent
from handbook.study.reading import BEFORE_REVISION, FUTURE, OVERLAP

REASONS = {
    OVERLAP: "Trùng thời gian với lượt đọc khác",
    BEFORE_REVISION: "Trước khi văn bản có phiên bản này",
    FUTURE: "Thời điểm ở tương lai (đồng hồ của máy sai)",
}


@dataclass(frozen=True)
class Flagged:
    """One member's flagged events on one document of the campaign, for one reason."""

    member: User
    document: Document
    reason: str
    events: int
    claimed_seconds: int
    credited_seconds: int
    last_at: datetime

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class Review:
    unit: Unit
    campaign: Campaign
    rows: list[Flagged]

    @property
    def members(self) -> int:
        return len({row.member.id for row in self.rows})


def _flagged_events(unit: Unit, campaign: Campaign):
    """Flagged events of the cell's current members on the campaign's documents."""
    members = select(Membership.user_id).where(Membership.unit_id == unit.id, Membership.ended_at.is_(None))
    documents = select(CampaignDocument.document_id).where(CampaignDocument.campaign_id == campaign.id)
    return (
        ReadingEvent.flag.is_not(None),
        ReadingEvent.user_id.in_(members),
        ReadingEvent.document_id.in_(documents),
    )


def members_flagged(session: Session, unit: Unit, campaign: Campaign) -> int:
    """How many of the cell's members have events to review in the campaign."""
    return (
        session.scalar(
            select(func.count(func.distinct(ReadingEvent.user_id))).where(*_flagged_events(unit, campaign))
        )
        or 0
    )


def build(session: Session, perms: Permissions, unit_id: int, campaign_id: int) -> Review:
    """The review of a cell the viewer may see (NotFound otherwise), members in name
    order. Record the viewing with scope.record_access."""
    unit = scope.cell(session, perms, unit_id)
    campaign = scope.campaign(session, unit, campaign_id)
    grouped = session.execute(
        select(
            ReadingEvent.user_id,
            ReadingEvent.document_id,
            ReadingEvent.flag,
            func.count(),
            func.sum(ReadingEvent.seconds),
            func.sum(ReadingEvent.credited),
            func.max(ReadingEvent.occurred_at),
        )
        .where(*_flagged_events(unit, campaign))
        .group_by(ReadingEvent.user_id, ReadingEvent.document_id, ReadingEvent.flag)
    ).all()
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_({row[0] for row in grouped})))}
    docs = {
        d.id: d for d in session.scalars(select(Document).where(Document.id.in_({row[1] for row in grouped})))
    }
    rows = [
        Flagged(users[user_id], docs[doc_id], flag, count, claimed or 0, credited or 0, as_utc(last))
        for user_id, doc_id, flag, count, claimed, credited, last in grouped
    ]
    rows.sort(key=lambda r: (r.member.full_name, r.member.id, r.document.number, r.reason))
    return Review(unit, campaign, rows)
