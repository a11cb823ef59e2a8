"""The SQL behind every report: one statement for a whole subtree, never a query per
unit or per member.

A member's figures per campaign are built from the same pieces as the member's own
page (campaigns.assignments, documents.editions, the completions of the current
edition), so the counts agree; tests compare them with progress.campaign_progress
and progress.overall_progress on random data. Percentages are never computed here:
callers pass the counts to progress.percent.

A member is counted in the unit of their current membership, for the campaigns
assigned to them (members who joined during a campaign are included, members
transferred away are reported by their new unit)."""

from __future__ import annotations

from sqlalchemy import Select, String, and_, case, cast, exists, func, select

from handbook.accounts.models import Membership, Unit, User
from handbook.study import campaigns
from handbook.study.documents import editions
from handbook.study.models import Campaign, CampaignDocument, Completion, SectionRead


def current_members(unit_path: str) -> Select:
    """(user_id, unit_id) of everyone now in a unit of the subtree at unit_path."""
    return (
        select(Membership.user_id, Membership.unit_id)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.ended_at.is_(None), Unit.path.startswith(unit_path, autoescape=True))
    )


def campaign_documents(campaign_id: int | None = None) -> Select:
    """(campaign_id, document_id, edition) of the published documents of campaigns."""
    current = editions().subquery("current_edition")
    stmt = select(CampaignDocument.campaign_id, current.c.document_id, current.c.edition).join(
        current, current.c.document_id == CampaignDocument.document_id
    )
    if campaign_id is not None:
        stmt = stmt.where(CampaignDocument.campaign_id == campaign_id)
    return stmt


def member_campaigns(unit_path: str, campaign_id: int | None = None) -> Select:
    """(user_id, unit_id, campaign_id, done, total, started) per member and assigned
    campaign. Counted from the completions side (there are far fewer completions than
    members × documents); the reading probe runs only for members with no completion."""
    members = current_members(unit_path).subquery("members")
    assigned = campaigns.assignments(select(members.c.user_id))
    if campaign_id is not None:
        assigned = assigned.where(Campaign.id == campaign_id)
    assigned = assigned.subquery("assigned")
    docs = campaign_documents(campaign_id).cte("docs")
    totals = (
        select(docs.c.campaign_id, func.count().label("total"))
        .group_by(docs.c.campaign_id)
        .subquery("totals")
    )
    done = (
        select(Completion.user_id, docs.c.campaign_id, func.count().label("done"))
        .join(docs, and_(docs.c.document_id == Completion.document_id, docs.c.edition == Completion.edition))
        .where(Completion.user_id.in_(select(members.c.user_id)))
        .group_by(Completion.user_id, docs.c.campaign_id)
        .subquery("done")
    )
    done_count = func.coalesce(done.c.done, 0)
    read = exists().where(
        SectionRead.user_id == assigned.c.user_id,
        SectionRead.document_id == docs.c.document_id,
        SectionRead.edition == docs.c.edition,
        SectionRead.read_at.is_not(None),
        docs.c.campaign_id == assigned.c.campaign_id,
    )
    return (
        select(
            assigned.c.user_id,
            members.c.unit_id,
            assigned.c.campaign_id,
            done_count.label("done"),
            totals.c.total,
            case((done_count > 0, 1), (read, 1), else_=0).label("started"),
        )
        .join(members, members.c.user_id == assigned.c.user_id)
        .join(totals, totals.c.campaign_id == assigned.c.campaign_id)
        .outerjoin(
            done, and_(done.c.user_id == assigned.c.user_id, done.c.campaign_id == assigned.c.campaign_id)
        )
    )


# A member's state in one campaign, two bits per campaign in unit_states' key.
NOT_ASSIGNED, NOT_STARTED, IN_PROGRESS, COMPLETED = 0, 1, 2, 3
MAX_KEYED_CAMPAIGNS = 31  # 62 bits: the key stays a 64-bit integer


def unit_states(unit_path: str, campaign_ids: list[int]) -> Select:
    """(unit_id, key, members) for the member-holding units of the subtree: the members
    are grouped by their state in every campaign at once, campaign i in bits 2i..2i+1,
    so one pass gives both each campaign's figures and those across campaigns."""
    only = campaign_ids[0] if len(campaign_ids) == 1 else None
    rows = member_campaigns(unit_path, only).subquery("member_campaigns")
    state = case(
        (rows.c.done >= rows.c.total, COMPLETED), (rows.c.started == 1, IN_PROGRESS), else_=NOT_STARTED
    )
    weight = case({c: 4**i for i, c in enumerate(campaign_ids)}, value=rows.c.campaign_id, else_=0)
    member = (
        select(rows.c.unit_id, func.sum(state * weight).label("key"))
        .where(rows.c.campaign_id.in_(campaign_ids))
        .group_by(rows.c.user_id, rows.c.unit_id)
        .subquery("per_member")
    )
    return select(member.c.unit_id, member.c.key, func.count().label("members")).group_by(
        member.c.unit_id, member.c.key
    )


def decode(key: int, count: int) -> list[int]:
    """The state in each campaign (by position) of a unit_states key."""
    return [(key >> (2 * i)) & 3 for i in range(count)]


def completions_by_hour(unit_path: str, campaign_id: int | None = None) -> Select:
    """(hour as 'YYYY-MM-DD HH' UTC, documents completed in it) by members now in the
    subtree, of the campaigns' documents. Hours, not days, so the caller can move them to
    Vietnam's calendar without fetching a row per completion."""
    members = current_members(unit_path).subquery("members")
    listed = campaign_documents(campaign_id).subquery("listed")
    docs = select(listed.c.document_id, listed.c.edition).distinct().subquery("docs")
    hour = func.substr(cast(Completion.completed_at, String), 1, 13)
    return (
        select(hour.label("hour"), func.count().label("completed"))
        .join(members, members.c.user_id == Completion.user_id)
        .join(docs, and_(docs.c.document_id == Completion.document_id, docs.c.edition == Completion.edition))
        .group_by(hour)
        .order_by(hour)
    )


def export_rows(unit_path: str, campaign_id: int) -> Select:
    """One row per member of the subtree assigned the campaign, ordered by unit and name:
    (unit_name, full_name, member_code, done, total, started, last_completed_at,
    by_secretary)."""
    figures_ = member_campaigns(unit_path, campaign_id).subquery("member_campaigns")
    docs = campaign_documents(campaign_id).subquery("docs")
    details = (
        select(
            Completion.user_id,
            func.max(Completion.completed_at).label("last_completed_at"),
            func.max(case((Completion.method == "secretary", 1), else_=0)).label("by_secretary"),
        )
        .join(docs, and_(docs.c.document_id == Completion.document_id, docs.c.edition == Completion.edition))
        .where(Completion.user_id.in_(select(figures_.c.user_id)))
        .group_by(Completion.user_id)
        .subquery("details")
    )
    return (
        select(
            Unit.name.label("unit_name"),
            User.full_name,
            User.member_code,
            figures_.c.done,
            figures_.c.total,
            figures_.c.started,
            details.c.last_completed_at,
            details.c.by_secretary,
        )
        .join(Unit, Unit.id == figures_.c.unit_id)
        .join(User, User.id == figures_.c.user_id)
        .outerjoin(details, details.c.user_id == figures_.c.user_id)
        .order_by(Unit.path, User.full_name, User.id)
    )
