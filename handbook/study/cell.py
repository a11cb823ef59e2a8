"""A cell's study as its secretary sees it: members by name (never ranked), what each
has completed in a campaign, their reflections. Viewing is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, Unit, User
from handbook.accounts.permissions import Permissions
from handbook.content.models import Document
from handbook.errors import NotFound
from handbook.study import campaigns, progress
from handbook.study.completion import secretary_cells
from handbook.study.models import Campaign, CampaignDocument, CampaignUnit, Reflection
from handbook.study.progress import Ratio


@dataclass(frozen=True)
class CellCampaigns:
    unit: Unit
    campaigns: list[Campaign]


@dataclass(frozen=True)
class MemberRow:
    member: User
    ratio: Ratio
    completed: frozenset[int]  # document ids
    reflection: Reflection | None


@dataclass(frozen=True)
class CellCampaignView:
    unit: Unit
    campaign: Campaign
    documents: list[Document]
    rows: list[MemberRow]


@dataclass(frozen=True)
class ReflectionView:
    reflection: Reflection
    member: User
    campaign: Campaign


def _campaigns_reaching(session: Session, unit: Unit) -> list[Campaign]:
    target = select(Unit.id).where(Unit.path.in_(_prefixes(unit.path)))
    return list(session.scalars(
        select(Campaign).join(CampaignUnit).where(CampaignUnit.unit_id.in_(target)).distinct()
        .order_by(Campaign.deadline.desc(), Campaign.id.desc())))


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def cells_with_campaigns(session: Session, perms: Permissions) -> list[CellCampaigns]:
    cells = session.scalars(select(Unit).where(Unit.id.in_(secretary_cells(perms)))
                            .order_by(Unit.name))
    return [CellCampaigns(u, _campaigns_reaching(session, u)) for u in cells]


def _cell(session: Session, perms: Permissions, unit_id: int) -> Unit:
    if unit_id not in secretary_cells(perms):
        raise NotFound("Không tìm thấy chi bộ.")
    return session.get(Unit, unit_id)


def cell_campaign(tx: Session, actor: Actor, perms: Permissions, unit_id: int,
                  campaign_id: int) -> CellCampaignView:
    unit, campaign = _cell(tx, perms, unit_id), campaigns.get(tx, campaign_id)
    member_ids = select(Membership.user_id).where(Membership.unit_id == unit.id,
                                                  Membership.ended_at.is_(None))
    members = list(tx.scalars(select(User).where(User.id.in_(member_ids))
                              .order_by(User.full_name, User.id)))
    docs = list(tx.scalars(select(Document).join(CampaignDocument)
                           .where(CampaignDocument.campaign_id == campaign.id,
                                  Document.state == "published")
                           .order_by(CampaignDocument.position)))
    ratios = progress.campaign_progress(tx, member_ids)
    done = progress.completed_pairs(tx, member_ids, [d.id for d in docs])
    notes = {r.user_id: r for r in tx.scalars(select(Reflection).where(
        Reflection.campaign_id == campaign.id, Reflection.user_id.in_(member_ids)))}
    rows = [MemberRow(m, ratios.get((m.id, campaign.id), Ratio()),
                      frozenset(d for u, d in done if u == m.id), notes.get(m.id))
            for m in members]
    audit.record(tx, actor, "study.cell_viewed", "unit", unit.id, campaign=campaign.id)
    return CellCampaignView(unit, campaign, docs, rows)


def reflection_view(session: Session, reflection: Reflection) -> ReflectionView:
    return ReflectionView(reflection, session.get(User, reflection.user_id),
                          session.get(Campaign, reflection.campaign_id))
