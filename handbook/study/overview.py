"""A member's study at a glance ("Học tập của tôi"): current and overdue campaigns
with each document's progress, the overall percentage, completed studies.
Every figure comes from progress.py; nothing compares members with each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.clock import as_utc, utcnow
from handbook.content.models import Document
from handbook.study import campaigns, completion, progress
from handbook.study.models import Campaign, CampaignDocument
from handbook.study.progress import Ratio


@dataclass(frozen=True)
class DocumentLine:
    slug: str
    title: str
    number: str
    doc_type: str
    sections: Ratio
    done: bool


@dataclass(frozen=True)
class CampaignLine:
    campaign: Campaign
    ratio: Ratio
    documents: list[DocumentLine]
    ended: bool
    overdue: bool

    @property
    def open_documents(self) -> list[DocumentLine]:
        return [d for d in self.documents if not d.done]


@dataclass
class Overview:
    overall: Ratio
    current: list[CampaignLine] = field(default_factory=list)
    overdue: list[CampaignLine] = field(default_factory=list)
    finished: list[CampaignLine] = field(default_factory=list)
    history: list[completion.HistoryEntry] = field(default_factory=list)


def _documents(session: Session, campaign_ids: list[int]) -> dict[int, list[Document]]:
    rows = session.execute(
        select(CampaignDocument.campaign_id, Document)
        .join(Document, Document.id == CampaignDocument.document_id)
        .where(CampaignDocument.campaign_id.in_(campaign_ids), Document.state == "published")
        .order_by(CampaignDocument.campaign_id, CampaignDocument.position)
    )
    grouped: dict[int, list[Document]] = {}
    for campaign_id, document in rows:
        grouped.setdefault(campaign_id, []).append(document)
    return grouped


def campaign_lines(
    session: Session, user_id: int, assigned: list[Campaign], now: datetime | None = None
) -> list[CampaignLine]:
    now = now or utcnow()
    docs = _documents(session, [c.id for c in assigned])
    doc_ids = sorted({d.id for group in docs.values() for d in group})
    sections = progress.member_documents(session, user_id, doc_ids)
    done = progress.completed_documents(session, user_id, doc_ids)
    ratios = progress.campaign_progress(session, [user_id], now)
    lines = []
    for campaign in assigned:
        documents = [
            DocumentLine(d.slug, d.title, d.number, d.doc_type, sections[d.id], d.id in done)
            for d in docs.get(campaign.id, [])
        ]
        ratio = ratios.get((user_id, campaign.id), Ratio())
        ended = as_utc(campaign.ends_at) <= now
        lines.append(CampaignLine(campaign, ratio, documents, ended, overdue=ended and not ratio.complete))
    return lines


def campaign_line(session: Session, user_id: int, campaign: Campaign) -> CampaignLine:
    return campaign_lines(session, user_id, [campaign])[0]


def member_overview(session: Session, user_id: int, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    assigned = campaigns.assigned_campaigns(session, user_id, now)
    result = Overview(
        progress.overall_progress(session, [user_id], now).get(user_id, Ratio()),
        history=completion.history(session, user_id),
    )
    for line in campaign_lines(session, user_id, assigned, now):
        if line.overdue:
            result.overdue.append(line)
        elif line.ended:
            result.finished.append(line)
        else:
            result.current.append(line)
    return result
