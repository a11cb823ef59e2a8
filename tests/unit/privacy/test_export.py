"""A member's export: every registered table's rows about them, nothing of anyone else."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from handbook.accounts.models import ApiToken, OneTimeCode, User
from handbook.app_db import get_db
from handbook.errors import NotFound
from handbook.privacy import export, registry


def _export(app, user_id: int) -> dict:
    with app.app_context(), get_db(app).transaction() as tx:
        return export.member_data(tx, user_id)


def test_every_linked_table_has_the_members_rows(library, seeded):
    data = _export(library, seeded.member.user.id)
    sections = {s["key"]: s for s in data["sections"]}
    assert list(sections) == [link.name for link in registry.LINKS]
    empty = [key for key, section in sections.items() if not section["rows"]]
    assert not empty, f"seed data for these sections: {empty}"
    member_id = seeded.member.user.id
    for link in registry.LINKS:
        owner = "id" if link.table == "users" else link.column
        for row in sections[link.name]["rows"]:
            assert set(row) == set(link.export)
            if owner in row:
                expected = seeded.member.user.username if link.by_username else member_id
                assert row[owner] == expected, link.name


def test_export_shows_what_the_member_wrote_and_their_identity(library, seeded):
    text = json.dumps(_export(library, seeded.member.user.id), ensure_ascii=False)
    for expected in (
        *seeded.member.marks,
        "Điện thoại của Nguyễn Văn An",
        "Tôi, Nguyễn Văn An, thu hoạch",
        "Nhắc học tập: Học tập Quy định 37",
        "Tài khoản",
        "Bài thu hoạch",
    ):
        assert expected in text


def test_nothing_of_another_member_nor_any_credential(library, seeded):
    text = json.dumps(_export(library, seeded.member.user.id), ensure_ascii=False)
    for foreign in (*seeded.other.marks, seeded.secretary.username, seeded.secretary.full_name):
        assert foreign not in text
    with library.app_context(), get_db(library).transaction() as tx:
        user = tx.get(User, seeded.member.user.id)
        secrets = [
            user.password_hash,
            user.session_version,
            *tx.scalars(select(ApiToken.token_hash)),
            *tx.scalars(select(OneTimeCode.code_hash)),
        ]
    assert all(secret not in text for secret in secrets)
    assert seeded.member.token not in text


def test_unknown_member_is_not_found(library):
    with library.app_context(), get_db(library).transaction() as tx, pytest.raises(NotFound):
        export.member_data(tx, 999_999)
