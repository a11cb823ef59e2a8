"""A secretary's cells and the campaigns reaching them, and reflections as the secretary
reads them. The member × document grid itself is a report (handbook.reports.grid)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts.models import Unit, User
from handbook.accounts.permissions import Permissions
from handbook.study.completion import secretary_cells
from handbook.study.models import Campaign, CampaignUnit, Reflection


@dataclass(frozen=True)
class CellCampaigns:
    unit: Unit
    campaigns: list[Campaign]


@dataclass(frozen=True)
class ReflectionView:
    reflection: Reflection
    member: User
    campaign: Campaign


def _campaigns_reaching(session: Session, unit: Unit) -> list[Campaign]:
    target = select(Unit.id).where(Unit.path.in_(unit.lineage_paths))
    return list(session.scalars(
        select(Campaign).join(CampaignUnit).where(CampaignUnit.unit_id.in_(target)).distinct()
        .order_by(Campaign.deadline.desc(), Campaign.id.desc())))


def cells_with_campaigns(session: Session, perms: Permissions) -> list[CellCampaigns]:
    cells = session.scalars(select(Unit).where(Unit.id.in_(secretary_cells(perms)))
                            .order_by(Unit.name))
    return [CellCampaigns(u, _campaigns_reaching(session, u)) for u in cells]


def reflection_view(session: Session, reflection: Reflection) -> ReflectionView:
    return ReflectionView(reflection, session.get(User, reflection.user_id),
                          session.get(Campaign, reflection.campaign_id))
