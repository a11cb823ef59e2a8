"""Which units and campaigns a report viewer may open. Anything out of scope raises
NotFound exactly like an id that does not exist, so guessed ids reveal nothing."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Unit
from handbook.accounts.permissions import Permissions, visible_unit
from handbook.accounts.vocabulary import MEMBER_UNIT_KINDS
from handbook.clock import utcnow
from handbook.errors import NotFound
from handbook.study import campaigns
from handbook.study.models import Campaign, CampaignUnit


def unit(session: Session, perms: Permissions, unit_id: int) -> Unit:
    return visible_unit(session, perms, unit_id)


def cell(session: Session, perms: Permissions, unit_id: int) -> Unit:
    """A member-holding unit (chi bộ) the viewer may see."""
    found = visible_unit(session, perms, unit_id)
    if found.kind not in MEMBER_UNIT_KINDS:
        raise NotFound("Không tìm thấy chi bộ.")
    return found


def campaigns_reaching(session: Session, unit: Unit) -> list[Campaign]:
    """Open campaigns addressed to the unit, one of its ancestors or a unit of its
    subtree, or brought by a member transferred into the subtree (the figures count
    such a member here, so the unit's reports must open the campaign); newest deadline
    first."""
    targets = select(Unit.id).where(
        or_(Unit.path.in_(unit.lineage_paths), Unit.path.startswith(unit.path, autoescape=True))
    )
    addressed = select(CampaignUnit.campaign_id).where(CampaignUnit.unit_id.in_(targets))
    return list(
        session.scalars(
            select(Campaign)
            .where(
                or_(Campaign.id.in_(addressed), Campaign.id.in_(campaigns.brought_in(unit.path))),
                Campaign.starts_at <= utcnow(),
            )
            .order_by(Campaign.deadline.desc(), Campaign.id.desc())
        )
    )


def campaign(session: Session, unit: Unit, campaign_id: int) -> Campaign:
    """The campaign if it reaches the unit; NotFound otherwise."""
    for found in campaigns_reaching(session, unit):
        if found.id == campaign_id:
            return found
    raise NotFound("Không tìm thấy đợt học tập.")


def entry_units(session: Session, perms: Permissions) -> list[Unit]:
    """The units at the top of what the viewer may see: the root(s) for administrators,
    otherwise the granted units not already inside another granted one."""
    if perms.is_admin:
        query = select(Unit).where(Unit.parent_id.is_(None))
    else:
        query = select(Unit).where(Unit.id.in_(perms.scope_unit_ids))
    units = [u for u in session.scalars(query.order_by(Unit.path)) if perms.can_view_unit(u)]
    return [u for u in units if not any(o is not u and u.path.startswith(o.path) for o in units)]


def record_access(tx: Session, actor: Actor, action: str, unit: Unit, campaign: Campaign, fmt: str) -> None:
    """Every view or export of members' data leaves a line in the audit log."""
    audit.record(tx, actor, f"reports.{action}", "unit", unit.id, campaign=campaign.id, format=fmt)
