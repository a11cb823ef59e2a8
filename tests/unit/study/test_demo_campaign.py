"""The demo campaign: created once, over the demo province, assigned to demo.member."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from handbook.accounts.models import User
from handbook.app_db import get_db
from handbook.study import campaigns
from handbook.study.models import Campaign
from tests.conftest import import_folder

CONTENT = Path(__file__).resolve().parents[3] / "content"


def test_demo_campaign_is_created_once_and_assigned(app, tmp_path, runner):
    shutil.copytree(CONTENT, tmp_path / "real")
    import_folder(app, tmp_path / "real")
    assert runner.invoke(args=["handbook", "demo", "--password", "Mật khẩu thử 2025"]).exit_code == 0
    first = runner.invoke(args=["handbook", "demo-campaign"])
    second = runner.invoke(args=["handbook", "demo-campaign"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    with get_db(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(Campaign)) == 1
        campaign = s.scalar(select(Campaign))
        assert len(campaign.documents) == 3
        member = s.scalar(select(User).where(User.username == "demo.member"))
        assert [c.id for c in campaigns.assigned_campaigns(s, member.id)] == [campaign.id]


def test_demo_campaign_needs_the_demo_first(runner):
    assert runner.invoke(args=["handbook", "demo-campaign"]).exit_code != 0
