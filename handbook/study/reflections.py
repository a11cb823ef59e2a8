"""Reflections (bài thu hoạch): one per member per campaign, editable until the
cell's secretary has reviewed it; secretaries read only their own cell's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, User
from handbook.accounts.permissions import Permissions
from handbook.clock import utcnow
from handbook.errors import Conflict, Invalid, NotFound, Problem
from handbook.study import campaigns
from handbook.study.completion import member_of_my_cell, secretary_cells
from handbook.study.models import Reflection
from handbook.text import nfc

MIN_TEXT, MAX_TEXT = 20, 10_000


@dataclass(frozen=True)
class CellReflection:
    member: User
    reflection: Reflection | None


def of_member(session: Session, user_id: int, campaign_id: int) -> Reflection | None:
    return session.scalar(
        select(Reflection).where(Reflection.user_id == user_id, Reflection.campaign_id == campaign_id)
    )


def submit(tx: Session, user_id: int, campaign_id: int, text: str) -> Reflection:
    """Write or rewrite the member's reflection on a campaign assigned to them."""
    if not campaigns.is_assigned(tx, user_id, campaign_id):
        raise NotFound("Không tìm thấy đợt học tập.")
    text = nfc(text or "").replace("\r\n", "\n").strip()
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        raise Invalid([Problem("noi_dung", f"Bài thu hoạch dài {MIN_TEXT}–{MAX_TEXT} ký tự.")])
    reflection = of_member(tx, user_id, campaign_id)
    if reflection is None:
        reflection = Reflection(campaign_id=campaign_id, user_id=user_id, text=text)
        tx.add(reflection)
    elif reflection.reviewed_at is not None:
        raise Conflict("Chi bộ đã xem bài thu hoạch này; không sửa được nữa.")
    else:
        reflection.text, reflection.submitted_at = text, utcnow()
    tx.flush()
    return reflection


def for_cell(session: Session, perms: Permissions, unit_id: int, campaign_id: int) -> list[CellReflection]:
    """Current members of a cell the secretary holds, by name, with their reflection."""
    if unit_id not in secretary_cells(perms):
        raise NotFound("Không tìm thấy chi bộ.")
    rows = session.execute(
        select(User, Reflection)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Reflection, (Reflection.user_id == User.id) & (Reflection.campaign_id == campaign_id))
        .where(Membership.unit_id == unit_id, Membership.ended_at.is_(None))
        .order_by(User.full_name, User.id)
    )
    return [CellReflection(user, reflection) for user, reflection in rows]


def read_for_secretary(tx: Session, actor: Actor, perms: Permissions, reflection_id: int) -> Reflection:
    """The reflection of a member of the secretary's cell; the reading is audited."""
    reflection = tx.get(Reflection, reflection_id) if 0 < reflection_id < 2**31 else None
    if reflection is None:
        raise NotFound("Không tìm thấy bài thu hoạch.")
    member_of_my_cell(tx, perms, reflection.user_id)
    audit.record(tx, actor, "study.reflection_read", "reflection", reflection.id, member=reflection.user_id)
    return reflection


def mark_reviewed(tx: Session, actor: Actor, perms: Permissions, reflection_id: int) -> Reflection:
    reflection = read_for_secretary(tx, actor, perms, reflection_id)
    if reflection.reviewed_at is None:
        reflection.reviewed_by, reflection.reviewed_at = actor.user_id, utcnow()
        audit.record(
            tx, actor, "study.reflection_reviewed", "reflection", reflection.id, member=reflection.user_id
        )
    return reflection
