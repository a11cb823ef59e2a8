"""Erasing a member: their personal data deleted or overwritten, their study records
kept on the de-identified account so every report's figures stay as they were.
What happens to each table is decided in registry.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from handbook.accounts import audit, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import RoleGrant, User
from handbook.accounts.vocabulary import ADMIN
from handbook.errors import Conflict, Invalid, Problem
from handbook.privacy import registry
from handbook.privacy.registry import DELETE, SCRUB, Identity, Link


@dataclass(frozen=True)
class Erasure:
    user_id: int
    deleted: dict[str, int] = field(default_factory=dict)  # link name → rows
    scrubbed: dict[str, int] = field(default_factory=dict)
    already: bool = False


def _refuse(tx: Session, actor: Actor, user: User, confirmation: str) -> None:
    if actor.user_id == user.id:
        raise Conflict("Không thể tự xóa dữ liệu của chính mình.")
    admins = set(tx.scalars(select(RoleGrant.user_id).where(RoleGrant.role == ADMIN)))
    if user.id in admins and not admins - {user.id}:
        raise Conflict("Không thể xóa dữ liệu của quản trị viên cuối cùng.")
    if users.normalise_username(confirmation) != user.username:
        raise Invalid([Problem("xac_nhan", "Hãy gõ đúng tên đăng nhập của tài khoản để xác nhận.")])


def _scrub(tx: Session, link: Link, identity: Identity) -> int:
    table = registry.table_of(link)
    key = list(table.primary_key.columns)
    rows = tx.execute(
        select(*key, *(table.c[name] for name in link.scrub)).where(registry.rows_of(link, identity))
    ).all()
    for row in rows:
        old = row._mapping
        new = {name: registry.new_value(value, identity, old[name]) for name, value in link.scrub.items()}
        if changed := {name: value for name, value in new.items() if value != old[name]}:
            tx.execute(update(table).where(*(column == old[column.name] for column in key)).values(changed))
    return len(rows)


def erase_member(tx: Session, actor: Actor, user_id: int, confirmation: str) -> Erasure:
    """De-identify the member in tx, confirmed by typing their username. Refuses
    erasing oneself or the last administrator; an erased member is left as is."""
    user = users.get_user(tx, user_id)
    if users.is_erased(user):
        return Erasure(user.id, already=True)
    _refuse(tx, actor, user, confirmation)
    identity = Identity.of(user)
    result = Erasure(user.id)
    for link in registry.LINKS:
        if link.erase == DELETE:
            result.deleted[link.name] = tx.execute(
                delete(registry.table_of(link)).where(registry.rows_of(link, identity))
            ).rowcount
        elif link.erase == SCRUB:
            result.scrubbed[link.name] = _scrub(tx, link, identity)
    tx.expire_all()  # the loaded User no longer matches its row
    audit.record(
        tx, actor, registry.ERASED_ACTION, "user", user.id, deleted=result.deleted, scrubbed=result.scrubbed
    )
    return result
