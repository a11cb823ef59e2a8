"""A demo study campaign, so a development instance shows "Học tập của tôi" in use."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import principal
from handbook.accounts.audit import Actor
from handbook.accounts.demo import ROOT_CODE
from handbook.accounts.models import Unit, User
from handbook.content.models import Document
from handbook.errors import NotFound
from handbook.study import campaigns
from handbook.study.models import Campaign

TITLE = "Học tập, quán triệt các văn bản về xây dựng Đảng (dữ liệu mẫu)"
DOCUMENTS = ("35-NQ/TW", "85-QĐ/TW", "144-QĐ/TW")


def ensure_campaign(tx: Session) -> Campaign:
    """The demo campaign over the whole demo province, created once by demo.editor."""
    existing = tx.scalar(select(Campaign).where(Campaign.title == TITLE))
    if existing is not None:
        return existing
    editor = tx.scalar(select(User).where(User.username == "demo.editor"))
    root = tx.scalar(select(Unit).where(Unit.code == ROOT_CODE))
    doc_ids = list(tx.scalars(select(Document.id).where(Document.number.in_(DOCUMENTS))))
    if editor is None or root is None or not doc_ids:
        raise NotFound("Cần chạy 'demo' và 'import-content' trước.")
    opens_on = campaigns.today()
    form = campaigns.CampaignInput(
        title=TITLE,
        description="Đợt học tập mẫu để thử các chức năng học tập.",
        opens_on=opens_on.isoformat(),
        deadline=(opens_on + timedelta(days=30)).isoformat(),
        document_ids=doc_ids,
        unit_ids=[root.id],
    )
    actor = Actor(editor.id, editor.username)
    return campaigns.create(tx, actor, principal.permissions_of(tx, editor.id), form)
