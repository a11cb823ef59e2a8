"""The party organisation tree: create, rename, move, merge and close units, keeping history."""

from __future__ import annotations

import re

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, RoleGrant, Unit, UnitEvent
from handbook.accounts.vocabulary import (
    ALLOWED_PARENTS,
    MEMBER_UNIT_KINDS,
    PROVINCE,
    SCOPED_ROLES,
    UNIT_KINDS,
)
from handbook.errors import Conflict, Invalid, NotFound, Problem
from handbook.text import collapse_spaces, nfc

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MAX_NAME = 200


def get_unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


def by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code.strip()))


def clean_name(name: str) -> str:
    return collapse_spaces(nfc(name or ""))


def name_problems(name: str, field: str = "ten") -> list[Problem]:
    if not name:
        return [Problem(field, "Tên đơn vị không được để trống.")]
    if len(name) > MAX_NAME:
        return [Problem(field, f"Tên đơn vị dài tối đa {MAX_NAME} ký tự.")]
    return []


def placement_problems(kind: str, parent: Unit | None, field: str = "cap_tren") -> list[Problem]:
    """Why a unit of this kind cannot sit under parent (empty when it can)."""
    if kind not in UNIT_KINDS:
        return [Problem("cap", "Cấp đơn vị không hợp lệ.")]
    if parent is None:
        return [] if kind == PROVINCE else [Problem(field, "Cần chọn đơn vị cấp trên.")]
    if not parent.active:
        return [Problem(field, "Đơn vị cấp trên đã giải thể hoặc sáp nhập.")]
    if parent.kind not in ALLOWED_PARENTS[kind]:
        return [Problem(field, f"{UNIT_KINDS[kind]} không thể trực thuộc {UNIT_KINDS[parent.kind]}.")]
    return []


def _event(tx: Session, actor: Actor, unit: Unit, action: str, **details) -> None:
    tx.add(UnitEvent(unit_id=unit.id, action=action, details=details, actor_id=actor.user_id))
    audit.record(tx, actor, f"unit.{action}", "unit", unit.id, code=unit.code, **details)


def create_unit(tx: Session, actor: Actor, code: str, name: str, kind: str, parent_id: int | None) -> Unit:
    code, name = (code or "").strip(), clean_name(name)
    parent = tx.get(Unit, parent_id) if parent_id else None
    problems = name_problems(name)
    if not CODE_PATTERN.match(code):
        problems.append(Problem("ma", "Mã đơn vị gồm chữ không dấu, số, '.', '-', '_' (tối đa 40)."))
    elif by_code(tx, code):
        problems.append(Problem("ma", "Mã đơn vị đã tồn tại."))
    if parent_id and parent is None:
        problems.append(Problem("cap_tren", "Không tìm thấy đơn vị cấp trên."))
    else:
        problems += placement_problems(kind, parent)
    if problems:
        raise Invalid(problems)
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None)
    tx.add(unit)
    tx.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    _event(tx, actor, unit, "created", name=name, kind=kind, parent=parent.code if parent else None)
    return unit


def rename_unit(tx: Session, actor: Actor, unit_id: int, name: str) -> Unit:
    unit, name = get_unit(tx, unit_id), clean_name(name)
    if problems := name_problems(name):
        raise Invalid(problems)
    if name != unit.name:
        _event(tx, actor, unit, "renamed", old=unit.name, new=name)
        unit.name = name
    return unit


def move_unit(tx: Session, actor: Actor, unit_id: int, parent_id: int) -> Unit:
    """Put the unit, with its whole subtree, under another parent."""
    unit, parent = get_unit(tx, unit_id), tx.get(Unit, parent_id)
    if parent is None:
        raise Invalid([Problem("cap_tren", "Không tìm thấy đơn vị cấp trên.")])
    if unit.contains(parent):
        raise Invalid([Problem("cap_tren", "Không thể chuyển đơn vị vào chính đơn vị cấp dưới của nó.")])
    if problems := placement_problems(unit.kind, parent):
        raise Invalid(problems)
    if parent.id == unit.parent_id:
        return unit
    old_parent = unit.parent.code if unit.parent else None
    _reparent(tx, unit, parent)
    _event(tx, actor, unit, "moved", old=old_parent, new=parent.code)
    return unit


def _reparent(tx: Session, unit: Unit, parent: Unit) -> None:
    old_prefix, new_prefix = unit.path, f"{parent.path}{unit.id}/"
    tx.execute(
        update(Unit)
        .where(Unit.path.startswith(old_prefix, autoescape=True))
        .values(path=literal(new_prefix) + func.substr(Unit.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = parent.id
    tx.flush()
    tx.expire_all()


def merge_unit(tx: Session, actor: Actor, unit_id: int, into_id: int) -> Unit:
    """Merge unit into another of the same level: its sub-units, members and
    history go to the target; the unit is closed and remembers where it went."""
    from handbook.accounts import members

    unit, target = get_unit(tx, unit_id), tx.get(Unit, into_id)
    if target is None or target.id == unit.id or not target.active or unit.contains(target):
        raise Invalid([Problem("hop_nhat_vao", "Đơn vị nhận sáp nhập không hợp lệ.")])
    same_level = target.kind == unit.kind or {unit.kind, target.kind} <= MEMBER_UNIT_KINDS
    if not same_level:
        raise Invalid([Problem("hop_nhat_vao", "Chỉ sáp nhập được vào đơn vị cùng cấp.")])
    for child in children(tx, unit.id):
        _reparent(tx, child, tx.get(Unit, target.id))
    for user_id in current_member_ids(tx, unit.id):
        members.transfer(tx, actor, user_id, target.id, reason="sap_nhap")
    _revoke_scoped_roles(tx, actor, unit)
    unit = tx.get(Unit, unit_id)
    unit.active, unit.merged_into_id = False, target.id
    _event(tx, actor, unit, "merged", into=target.code)
    _event(tx, actor, target, "absorbed", source=unit.code)
    return unit


def close_unit(tx: Session, actor: Actor, unit_id: int) -> Unit:
    unit = get_unit(tx, unit_id)
    if children(tx, unit.id) or current_member_ids(tx, unit.id):
        raise Conflict("Đơn vị còn đơn vị trực thuộc hoặc đảng viên; hãy chuyển hoặc sáp nhập trước.")
    _revoke_scoped_roles(tx, actor, unit)
    unit.active = False
    _event(tx, actor, unit, "closed")
    return unit


def _revoke_scoped_roles(tx: Session, actor: Actor, unit: Unit) -> None:
    grants = tx.scalars(
        select(RoleGrant).where(RoleGrant.unit_id == unit.id, RoleGrant.role.in_(SCOPED_ROLES))
    ).all()
    for grant in grants:
        audit.record(
            tx,
            actor,
            "role.revoked",
            "user",
            grant.user_id,
            role=grant.role,
            unit=unit.code,
            reason="unit_closed",
        )
        tx.delete(grant)


def children(session: Session, unit_id: int | None, include_closed: bool = False) -> list[Unit]:
    query = select(Unit).where(Unit.parent_id == unit_id if unit_id else Unit.parent_id.is_(None))
    if not include_closed:
        query = query.where(Unit.active.is_(True))
    return list(session.scalars(query.order_by(Unit.name)))


def current_member_ids(session: Session, unit_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Membership.user_id).where(Membership.unit_id == unit_id, Membership.ended_at.is_(None))
        )
    )


def ancestors(session: Session, unit: Unit) -> list[Unit]:
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    found = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def history(session: Session, unit_id: int) -> list[UnitEvent]:
    return list(session.scalars(select(UnitEvent).where(UnitEvent.unit_id == unit_id).order_by(UnitEvent.id)))


def search(session: Session, text: str = "", limit: int = 50) -> list[Unit]:
    query = select(Unit).where(Unit.active.is_(True))
    if text := clean_name(text):
        query = query.where(
            Unit.name.icontains(text, autoescape=True) | Unit.code.icontains(text, autoescape=True)
        )
    return list(session.scalars(query.order_by(Unit.path).limit(limit)))


def member_counts(session: Session, unit_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(Membership.unit_id, func.count())
        .where(Membership.unit_id.in_(unit_ids), Membership.ended_at.is_(None))
        .group_by(Membership.unit_id)
    )
    return dict(rows.all())
