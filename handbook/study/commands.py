"""Study commands."""

from __future__ import annotations

import click
from flask import current_app

from handbook.cli import handbook_cli
from handbook.db import get_db
from handbook.study import demo


@handbook_cli.command("demo-campaign")
def demo_campaign() -> None:
    """Open the demo study campaign over the demo province (development only)."""
    if current_app.config["ENV_NAME"] not in ("development", "testing"):
        raise click.ClickException("Dữ liệu mẫu chỉ dùng trong môi trường phát triển.")
    with get_db().transaction() as tx:
        campaign = demo.ensure_campaign(tx)
        click.echo(f"Đợt học tập mẫu: {campaign.title} (hạn {campaign.deadline:%d/%m/%Y}).")
