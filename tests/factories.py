"""Test data: plain functions with keyword defaults, each in its own write transaction."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp

from handbook.accounts import members, roles, units, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import Unit, User
from handbook.accounts.vocabulary import (
    CELL,
    COMMITTEE,
    GRASSROOTS_CELL,
    GRASSROOTS_COMMITTEE,
    PROVINCE,
)
from handbook.app_db import get_db

PASSWORD = "Học tập và làm theo 2024"
FACTORY = Actor.system("test")


def make_unit(app, code: str, kind: str = CELL, parent: Unit | None = None, name: str | None = None) -> Unit:
    with app.app_context(), get_db(app).transaction() as tx:
        return units.create_unit(
            tx, FACTORY, code, name or f"Đơn vị {code}", kind, parent.id if parent else None
        )


@dataclass
class Tree:
    """Province → two committees → grassroots → cells A and B (same grassroots), C (elsewhere)."""

    province: Unit
    committee: Unit
    other_committee: Unit
    grassroots: Unit
    cell_a: Unit
    cell_b: Unit
    cell_c: Unit


def make_tree(app) -> Tree:
    province = make_unit(app, "TU", PROVINCE, name="Tỉnh ủy thử")
    committee = make_unit(app, "HU", COMMITTEE, province, "Đảng bộ huyện Đồng Phú")
    other = make_unit(app, "QS", COMMITTEE, province, "Đảng bộ Quân sự tỉnh")
    grassroots = make_unit(app, "HU-XA", GRASSROOTS_COMMITTEE, committee, "Đảng bộ xã Tân Lập")
    cell_a = make_unit(app, "HU-XA-1", CELL, grassroots, "Chi bộ ấp 1")
    cell_b = make_unit(app, "HU-XA-2", CELL, grassroots, "Chi bộ ấp 2")
    cell_c = make_unit(app, "QS-CB", GRASSROOTS_CELL, other, "Chi bộ Ban Chỉ huy Quân sự")
    return Tree(province, committee, other, grassroots, cell_a, cell_b, cell_c)


def make_user(
    app,
    username: str = "nguyen.van.an",
    *,
    password: str | None = PASSWORD,
    cell: Unit | None = None,
    grants: tuple = (),
    totp_secret: str | None = None,
    full_name: str | None = None,
    demo: bool = False,
    active: bool = True,
) -> User:
    """grants: (role, unit or None) pairs. A TOTP secret makes the second factor enrolled."""
    hasher = app.extensions["handbook.passwords"]
    with app.app_context(), get_db(app).transaction() as tx:
        user = users.create_user(
            tx,
            FACTORY,
            username,
            full_name or username.replace(".", " ").title(),
            password_hash=hasher.hash(password) if password else None,
        )
        user.is_demo, user.active, user.totp_secret = demo, active, totp_secret
        if cell:
            members.place(tx, FACTORY, user.id, cell.id)
        tx.flush()
        for role, unit in grants:
            roles.grant(tx, FACTORY, user.id, role, unit.id if unit else None)
        return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def reload_user(app, user_id: int) -> User:
    with app.app_context(), get_db(app).transaction() as tx:
        return tx.get(User, user_id)


def editor_post(**overrides) -> dict:
    """The editor's form as posted for a new valid document (field names of the page)."""
    data = {
        "slug": "ket-luan-21",
        "so_hieu": "21-KL/TW",
        "loai": "Kết luận",
        "tieu_de": "Về đẩy mạnh xây dựng, chỉnh đốn Đảng",
        "co_quan_ban_hanh": "Ban Chấp hành Trung ương",
        "ngay_ban_hanh": "2021-10-25",
        "trich_yeu": "Kết luận về xây dựng, chỉnh đốn Đảng và hệ thống chính trị.",
        "hieu_luc": "in_force",
        "tu_khoa": "chỉnh đốn Đảng, xây dựng Đảng",
        "quan_he_loai": "based_on",
        "quan_he_so_hieu": "37-QĐ/TW",
        "noi_dung": "Mở đầu.\n\n## Phần I. Nhiệm vụ\n\nKiên quyết ngăn chặn suy thoái tư tưởng.\n",
        "ghi_chu": "",
        "phien_ban": "",
    }
    data.update(overrides)
    return data


def editor_form(**overrides):
    """The same values as an EditorForm, for service tests."""
    from werkzeug.datastructures import MultiDict

    from handbook.editor.params import editor_form as parse

    return parse(MultiDict(editor_post(**overrides)))
