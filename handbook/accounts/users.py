"""People with accounts: create, look up, deactivate, end sessions."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handbook.accounts import audit, codes, members, tokens
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, User
from handbook.clock import utcnow
from handbook.errors import Conflict, Invalid, NotFound, Problem
from handbook.text import collapse_spaces, fold, nfc

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$")
# Erased members keep their row under a name no username can have (see USERNAME_PATTERN).
ERASED_PREFIX = "~"
MEMBER_CODE_PATTERN = re.compile(r"^[0-9A-Z.-]{3,20}$")
MAX_NAME = 120


def new_session_version() -> str:
    return secrets.token_hex(16)


def sign_out_everywhere(tx: Session, user: User) -> None:
    """Every browser session and every app token of the user stops working: what a
    new password, a changed second factor or a lock must do."""
    user.session_version = new_session_version()
    tokens.revoke_all(tx, user.id)


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def suggest_username(full_name: str) -> str:
    """'Nguyễn Văn An' → 'nguyen.van.an'."""
    words = re.findall(r"[a-z0-9]+", fold(nfc(full_name)).lower())
    return ".".join(words)[:64]


def username_problems(username: str, field: str = "ten_dang_nhap") -> list[Problem]:
    if not 3 <= len(username) <= 64 or not USERNAME_PATTERN.match(username):
        return [
            Problem(
                field,
                "Tên đăng nhập gồm 3–64 chữ thường không dấu, số và dấu "
                "'.', '-', '_' ở giữa, ví dụ nguyen.van.an.",
            )
        ]
    return []


def profile_problems(full_name: str, member_code: str | None) -> list[Problem]:
    problems = []
    if not full_name or len(full_name) > MAX_NAME:
        problems.append(Problem("ho_ten", f"Họ và tên không được trống, tối đa {MAX_NAME} ký tự."))
    if member_code and not MEMBER_CODE_PATTERN.match(member_code):
        problems.append(Problem("ma_dang_vien", "Số thẻ đảng viên gồm 3–20 chữ số hoặc chữ in hoa."))
    return problems


def clean_profile(username: str, full_name: str, member_code: str | None) -> tuple[str, str, str | None]:
    code = (member_code or "").strip().upper() or None
    return normalise_username(username), collapse_spaces(nfc(full_name or "")), code


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    tx: Session,
    actor: Actor,
    username: str,
    full_name: str,
    member_code: str | None = None,
    unit_id: int | None = None,
    password_hash: str | None = None,
) -> User:
    """A new account, placed in a cell when unit_id is given. Without a password
    hash it can only be used after an activation code is redeemed."""
    username, full_name, member_code = clean_profile(username, full_name, member_code)
    problems = username_problems(username) + profile_problems(full_name, member_code)
    if not problems and by_username(tx, username):
        problems.append(Problem("ten_dang_nhap", "Tên đăng nhập đã được dùng."))
    if member_code and tx.scalar(select(User.id).where(User.member_code == member_code)):
        problems.append(Problem("ma_dang_vien", "Số thẻ đảng viên đã có trong hệ thống."))
    if problems:
        raise Invalid(problems)
    user = User(
        username=username,
        full_name=full_name,
        member_code=member_code,
        password_hash=password_hash,
        session_version=new_session_version(),
        password_changed_at=utcnow() if password_hash else None,
    )
    tx.add(user)
    tx.flush()
    audit.record(tx, actor, "user.created", "user", user.id, username=username)
    if unit_id:
        members.place(tx, actor, user.id, unit_id)
    return user


def update_profile(tx: Session, actor: Actor, user_id: int, full_name: str, member_code: str | None) -> User:
    user = get_user(tx, user_id)
    _, full_name, member_code = clean_profile(user.username, full_name, member_code)
    if problems := profile_problems(full_name, member_code):
        raise Invalid(problems)
    if member_code and tx.scalar(select(User.id).where(User.member_code == member_code, User.id != user.id)):
        raise Invalid([Problem("ma_dang_vien", "Số thẻ đảng viên đã có trong hệ thống.")])
    changes = {
        k: v for k, v in (("full_name", full_name), ("member_code", member_code)) if getattr(user, k) != v
    }
    if changes:
        for key, value in changes.items():
            setattr(user, key, value)
        audit.record(tx, actor, "user.updated", "user", user.id, fields=sorted(changes))
    return user


def end_sessions(tx: Session, actor: Actor, user_id: int, reason: str = "admin") -> User:
    """Every session and cookie of the user stops working on its next request."""
    user = get_user(tx, user_id)
    sign_out_everywhere(tx, user)
    audit.record(tx, actor, "user.sessions_ended", "user", user.id, reason=reason)
    return user


def deactivate(tx: Session, actor: Actor, user_id: int) -> User:
    user = get_user(tx, user_id)
    if actor.user_id == user.id:
        raise Conflict("Không thể tự khóa tài khoản của mình.")
    user.active, user.deactivated_at = False, utcnow()
    sign_out_everywhere(tx, user)
    codes.revoke(tx, user.id)
    audit.record(tx, actor, "user.deactivated", "user", user.id)
    return user


def reactivate(tx: Session, actor: Actor, user_id: int) -> User:
    user = get_user(tx, user_id)
    user.active, user.deactivated_at = True, None
    audit.record(tx, actor, "user.reactivated", "user", user.id)
    return user


def search(session: Session, text: str = "", page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    query = select(User)
    if text := collapse_spaces(nfc(text or "")):
        query = query.where(
            or_(
                *(
                    column.icontains(text, autoescape=True)
                    for column in (User.full_name, User.username, User.member_code)
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(User.username).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def current_cells(session: Session, user_ids: list[int]) -> dict[int, Membership]:
    rows = session.scalars(
        select(Membership).where(Membership.user_id.in_(user_ids), Membership.ended_at.is_(None))
    )
    return {m.user_id: m for m in rows}


def is_erased(user: User) -> bool:
    """The member's personal data was erased (privacy/erase.py); the row stays for figures."""
    return user.username.startswith(ERASED_PREFIX)
