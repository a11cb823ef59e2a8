"""Demo data: the province's exact figures, realistic names, demo accounts, re-runs."""

from __future__ import annotations

import random
import re
from collections import Counter

from sqlalchemy import func, select

from handbook.accounts import demo, tokens
from handbook.accounts.audit import Actor
from handbook.accounts.models import ApiToken, Membership, RoleGrant, Unit, User
from handbook.accounts.vocabulary import (
    CELL,
    COMMITTEE,
    DEMO_USERNAMES,
    GRASSROOTS_CELL,
    GRASSROOTS_COMMITTEE,
    PARTIAL_COMMITTEE,
)
from handbook.app_db import get_db


def test_province_plan_matches_the_report():
    plan, holders = demo.plan_tree(demo.SCALES["province"], random.Random(demo.SEED), 1)
    kinds = Counter(row["kind"] for row in plan.units)
    assert kinds[COMMITTEE] == 19
    assert kinds[GRASSROOTS_COMMITTEE] + kinds[GRASSROOTS_CELL] == 733
    assert kinds[CELL] == 2381 and kinds[PARTIAL_COMMITTEE] > 0
    assert len({row["code"] for row in plan.units}) == len(plan.units)
    assert len(holders) == 2381 + kinds[GRASSROOTS_CELL]


def test_plan_is_deterministic():
    first = demo.plan_tree(demo.SCALES["small"], random.Random(1), 1)[0].units
    assert first == demo.plan_tree(demo.SCALES["small"], random.Random(1), 1)[0].units


def test_small_demo_builds_members_and_demo_accounts(app, runner):
    result = runner.invoke(args=["handbook", "demo", "--scale", "small"])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"(demo\.\w+)\t(\S+)", result.output))
    assert sorted(printed) == sorted(DEMO_USERNAMES)
    with app.app_context(), get_db(app).transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(User).where(User.is_demo.is_(False))) == 60
        assert tx.scalar(select(func.count()).select_from(Membership)) == 64  # admin has no cell
        names = tx.scalars(select(User.full_name).where(User.is_demo.is_(False))).all()
        assert all(len(n.split()) == 3 for n in names) and any("Nguyễn" in n for n in names)
        roles = Counter(tx.scalars(select(RoleGrant.role)))
        assert roles["secretary"] >= 2 and roles["admin"] == 1
    assert "Đã tạo 15 đơn vị, 60 đảng viên" in result.output


def test_demo_again_only_resets_demo_passwords(app, runner):
    runner.invoke(args=["handbook", "demo"])
    again = runner.invoke(args=["handbook", "demo", "--password", "Mật khẩu demo 2025"])
    assert again.exit_code == 0 and "đã có" in again.output
    with app.app_context(), get_db(app).transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(Unit)) == 15
    client = app.test_client()
    response = client.post(
        "/dang-nhap", data={"ten_dang_nhap": "demo.admin", "mat_khau": "Mật khẩu demo 2025"}
    )
    assert response.status_code == 200  # demo accounts are refused outside development


def test_resetting_demo_passwords_ends_their_app_tokens_too(app, runner):
    runner.invoke(args=["handbook", "demo"])
    with app.app_context(), get_db(app).transaction() as tx:
        member = tx.scalar(select(User).where(User.username == "demo.member"))
        tokens.issue(tx, Actor.system("test"), member.id, "Điện thoại", days=30)
        version = member.session_version
    runner.invoke(args=["handbook", "demo", "--password", "Mật khẩu demo 2025"])
    with app.app_context(), get_db(app).transaction() as tx:
        member = tx.scalar(select(User).where(User.username == "demo.member"))
        assert member.session_version != version
        assert tx.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == member.id))
