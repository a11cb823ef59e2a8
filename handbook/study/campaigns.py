"""Study campaigns: creating them within one's scope, and who must study what.

A member is assigned a campaign when any of their memberships (current or past)
overlapping the campaign period was in a unit within the subtree of one of the
campaign's units. So members who join a cell during a campaign are included,
and members transferred out keep their record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, Unit
from handbook.accounts.permissions import Permissions
from handbook.accounts.vocabulary import COMMITTEE_VIEWER, EDITOR
from handbook.clock import VIETNAM, utcnow
from handbook.content.models import Document
from handbook.errors import Invalid, NotFound, Problem
from handbook.params import to_date, to_int
from handbook.study.documents import editions
from handbook.study.models import Campaign, CampaignDocument, CampaignUnit
from handbook.text import collapse_spaces, nfc

MAX_TITLE, MAX_DESCRIPTION = 300, 5000
Users = Iterable[int] | Select


@dataclass(frozen=True)
class CampaignInput:
    title: str = ""
    description: str = ""
    opens_on: str = ""
    deadline: str = ""
    quiz_pass_mark: str = ""
    document_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)


def local_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, VIETNAM).astimezone(UTC)


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(VIETNAM).date()


def can_assign(perms: Permissions, unit: Unit) -> bool:
    """Editors may address any unit; committee viewers their own subtree only."""
    if EDITOR in perms.roles:
        return True
    return any(
        g.role == COMMITTEE_VIEWER and g.unit_path and unit.path.startswith(g.unit_path) for g in perms.grants
    )


def assignable_units(session: Session, perms: Permissions) -> list[Unit]:
    units = session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.path))
    return [u for u in units if can_assign(perms, u)]


def publishable_documents(session: Session) -> list[Document]:
    return list(
        session.scalars(
            select(Document)
            .where(Document.state == "published")
            .order_by(Document.issued_on.desc(), Document.id.desc())
        )
    )


_DATE_LABELS = {"ngay_mo": "Ngày mở", "han": "Hạn hoàn thành"}


def _parse_date(value: str, field_name: str, problems: list[Problem]) -> date | None:
    if found := to_date((value or "").strip()):
        return found
    label = _DATE_LABELS[field_name]
    problems.append(Problem(field_name, f"{label}: ngày không hợp lệ, cần dạng năm-tháng-ngày."))
    return None


def _pass_mark(value: str, problems: list[Problem]) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if (mark := to_int(value, 1, 100)) is not None:
        return mark
    problems.append(Problem("diem_dat", "Điểm đạt là số phần trăm từ 1 đến 100, hoặc để trống."))
    return None


def _checked_ids(
    session: Session, perms: Permissions, form: CampaignInput, problems: list[Problem]
) -> tuple[list[int], list[int]]:
    published = set(
        session.scalars(
            select(Document.id).where(Document.id.in_(form.document_ids), Document.state == "published")
        )
    )
    doc_ids = [i for i in dict.fromkeys(form.document_ids) if i in published]
    if not doc_ids or len(doc_ids) != len(set(form.document_ids)):
        problems.append(Problem("van_ban", "Chọn ít nhất một văn bản đã ban hành."))
    units = session.scalars(select(Unit).where(Unit.id.in_(form.unit_ids), Unit.active.is_(True)))
    unit_ids = sorted(u.id for u in units if can_assign(perms, u))
    if not unit_ids or len(unit_ids) != len(set(form.unit_ids)):
        problems.append(Problem("don_vi", "Chọn ít nhất một đơn vị trong phạm vi của bạn."))
    return doc_ids, unit_ids


def create(tx: Session, actor: Actor, perms: Permissions, form: CampaignInput) -> Campaign:
    """Raises Invalid with every problem; units outside the creator's scope are refused."""
    problems: list[Problem] = []
    title = collapse_spaces(nfc(form.title or ""))
    if not 3 <= len(title) <= MAX_TITLE:
        problems.append(Problem("tieu_de", f"Tên đợt học tập dài 3–{MAX_TITLE} ký tự."))
    description = nfc(form.description or "").strip()[:MAX_DESCRIPTION]
    opens_on = _parse_date(form.opens_on, "ngay_mo", problems)
    deadline = _parse_date(form.deadline, "han", problems)
    if opens_on and deadline and deadline < opens_on:
        problems.append(Problem("han", "Hạn hoàn thành phải sau ngày mở đợt."))
    pass_mark = _pass_mark(form.quiz_pass_mark, problems)
    doc_ids, unit_ids = _checked_ids(tx, perms, form, problems)
    if problems:
        raise Invalid(problems)
    campaign = Campaign(
        title=title,
        description=description,
        opens_on=opens_on,
        deadline=deadline,
        starts_at=local_midnight_utc(opens_on),
        ends_at=local_midnight_utc(deadline + timedelta(days=1)),
        quiz_pass_mark=pass_mark,
        created_by=actor.user_id,
        documents=[CampaignDocument(document_id=d, position=i) for i, d in enumerate(doc_ids)],
        units=[CampaignUnit(unit_id=u) for u in unit_ids],
    )
    tx.add(campaign)
    tx.flush()
    audit.record(
        tx,
        actor,
        "study.campaign_created",
        "campaign",
        campaign.id,
        title=title,
        documents=doc_ids,
        units=unit_ids,
    )
    return campaign


def get(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id) if 0 < campaign_id < 2**31 else None
    if campaign is None:
        raise NotFound("Không tìm thấy đợt học tập.")
    return campaign


def managed_by(session: Session, perms: Permissions) -> list[Campaign]:
    """Campaigns an editor (all) or a committee viewer (touching their subtree) manages."""
    rows = session.scalars(select(Campaign).order_by(Campaign.deadline.desc(), Campaign.id.desc()))
    if EDITOR in perms.roles:
        return list(rows)
    units = {u.id: u for u in session.scalars(select(Unit).join(CampaignUnit))}
    return [c for c in rows if any(can_assign(perms, units[cu.unit_id]) for cu in c.units)]


def assignments(users: Users, as_of: datetime | None = None) -> Select:
    """(user_id, campaign_id), distinct, of campaigns open by as_of (default: now)."""
    member_unit, target = aliased(Unit), aliased(Unit)
    return (
        select(Membership.user_id, Campaign.id.label("campaign_id"))
        .distinct()
        .join(member_unit, member_unit.id == Membership.unit_id)
        .join(target, member_unit.path.startswith(target.path))
        .join(CampaignUnit, CampaignUnit.unit_id == target.id)
        .join(Campaign, Campaign.id == CampaignUnit.campaign_id)
        .where(
            Membership.user_id.in_(users),
            Campaign.starts_at <= (utcnow() if as_of is None else as_of),
            Membership.started_at < Campaign.ends_at,
            or_(Membership.ended_at.is_(None), Membership.ended_at > Campaign.starts_at),
        )
    )


def brought_in(unit_path: str) -> Select:
    """Ids of the open campaigns assigned to members now in the subtree at unit_path who
    were transferred there: they keep the campaigns of their earlier cells, and are
    reported by the unit they are in now."""
    earlier = aliased(Membership)
    moved_in = (
        select(Membership.user_id)
        .join(earlier, and_(earlier.user_id == Membership.user_id, earlier.ended_at.is_not(None)))
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.ended_at.is_(None), Unit.path.startswith(unit_path, autoescape=True))
    )
    return select(assignments(moved_in).subquery().c.campaign_id)


def assigned_documents(users: Users, as_of: datetime | None = None) -> Select:
    """(user_id, campaign_id, document_id, edition) for published documents only."""
    assigned = assignments(users, as_of).subquery()
    current = editions().subquery()
    return (
        select(assigned.c.user_id, assigned.c.campaign_id, current.c.document_id, current.c.edition)
        .join(CampaignDocument, CampaignDocument.campaign_id == assigned.c.campaign_id)
        .join(current, current.c.document_id == CampaignDocument.document_id)
    )


def assigned_campaigns(session: Session, user_id: int, as_of: datetime | None = None) -> list[Campaign]:
    ids = select(assignments([user_id], as_of).subquery().c.campaign_id)
    return list(
        session.scalars(select(Campaign).where(Campaign.id.in_(ids)).order_by(Campaign.deadline, Campaign.id))
    )


def is_assigned(session: Session, user_id: int, campaign_id: int) -> bool:
    stmt = assignments([user_id]).where(Campaign.id == campaign_id)
    return session.execute(stmt).first() is not None
