"""`flask handbook` accounts commands, through the CLI runner."""

from __future__ import annotations

import os
import re

from sqlalchemy import select

from handbook.accounts.models import User
from handbook.app import create_app
from handbook.app_db import get_db
from tests import factories
from tests.conftest import FAST_PASSWORD_HASHING

UNITS = "ma_don_vi,ten_don_vi,cap,ma_cap_tren\nT,Tỉnh ủy,Tỉnh ủy,\nT-CB,Chi bộ cơ sở A,chi_bo_co_so,T\n"
MEMBERS = "ten_dang_nhap,ho_ten,ma_chi_bo\nnguyen.van.an,Nguyễn Văn An,T-CB\nsai ten,X,T-CB\n"


def test_import_members_writes_codes_privately_and_lists_rejects(runner, tmp_path):
    (tmp_path / "u.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "m.csv").write_text(MEMBERS, encoding="utf-8")
    assert runner.invoke(args=["handbook", "import-members", str(tmp_path / "u.csv")]).exit_code == 0
    codes = tmp_path / "codes.csv"
    result = runner.invoke(
        args=["handbook", "import-members", str(tmp_path / "m.csv"), "--codes-out", str(codes)]
    )
    assert result.exit_code == 1
    assert "Mới: 1" in result.output and "m.csv dòng 3: ten_dang_nhap" in result.output
    assert os.stat(codes).st_mode & 0o777 == 0o600
    assert re.search(r"nguyen\.van\.an,Nguyễn Văn An,[0-9A-Z-]{14}", codes.read_text(encoding="utf-8"))
    assert "[0-9A-Z]{4}-" not in result.output


def test_create_admin_refuses_a_taken_username(app, runner):
    factories.make_user(app, "quan.tri")
    result = runner.invoke(args=["handbook", "create-admin", "quan.tri", "--name", "Quản Trị"])
    assert result.exit_code == 1 and "đã được dùng" in result.output


def test_issue_code_and_end_sessions(app, runner, library, member):
    result = runner.invoke(args=["handbook", "issue-code", member.username])
    assert re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", result.output)
    with app.app_context(), get_db(app).transaction() as tx:
        before = tx.scalar(select(User.session_version).where(User.id == member.id))
    assert runner.invoke(args=["handbook", "end-sessions", "--all"]).exit_code == 0
    with app.app_context(), get_db(app).transaction() as tx:
        after = tx.scalar(select(User.session_version).where(User.id == member.id))
    assert after != before and len(after) == 32


def test_demo_is_refused_in_production(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k" * 4 + "-Xy9_prod-secret-1234567890abcdef",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            **FAST_PASSWORD_HASHING,
        }
    )
    result = app.test_cli_runner().invoke(args=["handbook", "demo"])
    assert result.exit_code == 1 and "phát triển" in result.output
    get_db(app).engine.dispose()
