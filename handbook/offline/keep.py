"""The documents a member's phone keeps for offline reading: those of the open
campaigns assigned to them, each with a version that changes whenever the page
would (a new or reverted revision, a re-study edition), so the service worker
fetches a document again only when it has changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.clock import utcnow
from handbook.content.models import Document, Revision
from handbook.study import campaigns
from handbook.study.models import Campaign, CampaignDocument


@dataclass(frozen=True)
class KeptDocument:
    slug: str
    title: str
    revision: int  # the current revision's number, as the editors see it
    version: str  # opaque to the worker: refetch when it differs from the stored one


def kept_documents(session: Session, user_id: int, now: datetime | None = None) -> list[KeptDocument]:
    """Published documents of the member's assigned campaigns that have not ended,
    each once, in the order of the campaigns' deadlines and their document lists."""
    now = now or utcnow()
    assigned = campaigns.assigned_documents([user_id], now).subquery()
    rows = session.execute(
        select(Document.slug, Document.title, Revision.number, Revision.id, assigned.c.edition)
        .join(assigned, assigned.c.document_id == Document.id)
        .join(Campaign, Campaign.id == assigned.c.campaign_id)
        .join(
            CampaignDocument,
            (CampaignDocument.campaign_id == Campaign.id) & (CampaignDocument.document_id == Document.id),
        )
        .join(Revision, Revision.id == Document.current_revision_id)
        .where(Campaign.ends_at > now)
        .order_by(Campaign.deadline, Campaign.id, CampaignDocument.position)
    )
    kept: dict[str, KeptDocument] = {}
    for slug, title, number, revision_id, edition in rows:
        kept.setdefault(slug, KeptDocument(slug, title, number, f"{revision_id}.{edition}"))
    return list(kept.values())
