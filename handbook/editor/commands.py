"""Editor commands: publish the drafts whose scheduled time has come, now."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from handbook.app_db import get_db
from handbook.cli import handbook_cli
from handbook.editor import publishing


@handbook_cli.command("publish-due")
def publish_due() -> None:
    """Publish scheduled drafts that are due, at once. Serving nodes do this by
    themselves every PUBLISH_DUE_SECONDS; no cron line is needed."""
    done, failed = publishing.publish_due(get_db(), Path(current_app.config["SEARCH_INDEX_DIR"]))
    click.echo(f"Đã xuất bản {len(done)} văn bản đến hạn, lỗi {len(failed)}.")
    for slug in failed:
        click.echo(f"  LỖI chưa xuất bản được: {slug}", err=True)
    if failed:
        raise click.exceptions.Exit(1)
