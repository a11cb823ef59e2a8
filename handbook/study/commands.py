"""Study commands."""

from __future__ import annotations

import time

import click
from flask import current_app

from handbook.app_db import get_db
from handbook.cli import handbook_cli
from handbook.errors import HandbookError
from handbook.study import demo, history


def _development_only() -> None:
    if current_app.config["ENV_NAME"] not in ("development", "testing"):
        raise click.ClickException("Dữ liệu mẫu chỉ dùng trong môi trường phát triển.")


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@handbook_cli.command("demo-campaign")
def demo_campaign() -> None:
    """Open the demo study campaign over the demo province (development only)."""
    _development_only()
    with get_db().transaction() as tx:
        campaign = demo.ensure_campaign(tx)
        click.echo(f"Đợt học tập mẫu: {campaign.title} (hạn {campaign.deadline:%d/%m/%Y}).")


@handbook_cli.command("demo-history")
@click.option(
    "--events",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Số sự kiện đọc tối thiểu.",
)
@click.option(
    "--campaigns",
    "n_campaigns",
    type=click.IntRange(1, history.MAX_CAMPAIGNS),
    default=5,
    show_default=True,
    help="Số đợt học tập.",
)
@click.option("--seed", type=int, default=history.SEED, show_default=True)
def demo_history(events: int, n_campaigns: int, seed: int) -> None:
    """Generate study campaigns and a reading history over the demo province, in bulk
    (development only; refused when already generated)."""
    _development_only()
    started = time.perf_counter()
    try:
        with get_db().transaction() as tx:
            made = history.generate(tx, events, n_campaigns, seed)
    except HandbookError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Đã tạo {made.campaigns} đợt học tập, {_number(made.events)} sự kiện đọc, "
        f"{_number(made.section_reads)} lượt đọc mục, {_number(made.completions)} "
        f"lượt hoàn thành trong {time.perf_counter() - started:.1f} giây."
    )
