"""Reminders a cell's secretary sends to the members who have not completed a campaign.

Who has completed is asked of study.progress, the same numbers the members' own
pages show. The reminders table's UNIQUE (member, campaign, day) makes "at most one
a day" hold even when two secretaries press the button at the same moment: the
loser's INSERT ... ON CONFLICT DO NOTHING returns no row and sends nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, Unit
from handbook.accounts.permissions import Permissions
from handbook.clock import utcnow
from handbook.errors import NotFound
from handbook.notifications.models import Notification, Reminder
from handbook.study import campaigns, progress, sql
from handbook.study.completion import secretary_cells
from handbook.study.models import Campaign, CampaignUnit
from handbook.study.progress import Ratio
from handbook.text import nfc

REMINDER = "reminder"
CAMPAIGN_PATH = "/hoc-tap/dot/{campaign_id}"
TITLE = "Nhắc học tập: {title}"
BODY = (
    "{unit} nhắc đồng chí hoàn thành đợt học tập “{title}” trước ngày {deadline}. "
    "Đồng chí đã học xong {done}/{total} văn bản."
)


@dataclass(frozen=True)
class ReminderResult:
    reminded: int = 0
    already_reminded: int = 0  # today, by anyone
    complete: int = 0


def _cell(session: Session, perms: Permissions, unit_id: int) -> Unit:
    """A cell where perms holds a cell role; NotFound otherwise, as for missing ids."""
    if unit_id not in secretary_cells(perms):
        raise NotFound("Không tìm thấy chi bộ.")
    return session.get(Unit, unit_id)


def _campaign_reaching(session: Session, unit: Unit, campaign_id: int) -> Campaign:
    """The campaign if it was addressed to the cell or a unit above it, or a member
    transferred into the cell brought it (the cell's report shows it then)."""
    campaign = campaigns.get(session, campaign_id)
    reaches = session.scalar(
        select(CampaignUnit.unit_id)
        .join(Unit)
        .where(CampaignUnit.campaign_id == campaign.id, Unit.path.in_(unit.lineage_paths))
        .limit(1)
    )
    if reaches is None and campaign.id not in session.scalars(campaigns.brought_in(unit.path)):
        raise NotFound("Không tìm thấy đợt học tập.")
    return campaign


def _standing(session: Session, unit: Unit, campaign: Campaign, now: datetime) -> dict[int, Ratio]:
    """member id → Ratio, for the cell's current members who are assigned the campaign."""
    members = select(Membership.user_id).where(Membership.unit_id == unit.id, Membership.ended_at.is_(None))
    ratios = progress.campaign_progress(session, members, as_of=now)
    return {user: ratio for (user, cid), ratio in ratios.items() if cid == campaign.id}


def _record_reminders(
    tx: Session, actor: Actor, unit: Unit, campaign: Campaign, member_ids: list[int], now: datetime
) -> set[int]:
    """Members reminded by this call: those not yet reminded today."""
    if not member_ids:
        return set()
    day = campaigns.today(now)
    rows = [
        {
            "user_id": m,
            "campaign_id": campaign.id,
            "unit_id": unit.id,
            "day": day,
            "sent_by": actor.user_id,
            "created_at": now,
        }
        for m in member_ids
    ]
    stmt = (
        sql.insert(tx, Reminder)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "campaign_id", "day"])
        .returning(Reminder.user_id)
    )
    return set(tx.scalars(stmt))


def _notification(unit: Unit, campaign: Campaign, user_id: int, ratio: Ratio, now: datetime) -> Notification:
    title = nfc(TITLE.format(title=campaign.title))[:300]
    body = nfc(
        BODY.format(
            unit=unit.name,
            title=campaign.title,
            deadline=campaign.deadline.strftime("%d/%m/%Y"),
            done=ratio.done,
            total=ratio.total,
        )
    )
    return Notification(
        user_id=user_id,
        kind=REMINDER,
        title=title,
        body=body,
        link=CAMPAIGN_PATH.format(campaign_id=campaign.id),
        campaign_id=campaign.id,
        created_at=now,
    )


def send_reminders(
    tx: Session, actor: Actor, perms: Permissions, unit_id: int, campaign_id: int, now: datetime | None = None
) -> ReminderResult:
    """Remind the cell's current members who are assigned the campaign and have not
    completed it, once per Vietnam-local day. Raises NotFound for a unit outside the
    sender's cells, a missing campaign or one not addressed to the cell."""
    now = now or utcnow()
    unit = _cell(tx, perms, unit_id)
    campaign = _campaign_reaching(tx, unit, campaign_id)
    standing = _standing(tx, unit, campaign, now)
    due = sorted(user for user, ratio in standing.items() if not ratio.complete)
    sent = _record_reminders(tx, actor, unit, campaign, due, now)
    tx.add_all(_notification(unit, campaign, user, standing[user], now) for user in sorted(sent))
    result = ReminderResult(len(sent), len(due) - len(sent), len(standing) - len(due))
    audit.record(
        tx,
        actor,
        "notifications.reminders_sent",
        "unit",
        unit.id,
        campaign=campaign.id,
        sent=result.reminded,
        already_reminded=result.already_reminded,
        complete=result.complete,
    )
    return result
