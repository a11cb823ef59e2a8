"""`flask handbook …`: a thin skin over the same services the views use."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from handbook import migrate
from handbook.content import importer
from handbook.db import get_db, session

handbook_cli = AppGroup("handbook", help="Quản trị Sổ tay Đảng viên.")


@handbook_cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate.upgrade(current_app)
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"])


def _echo_problems(problems) -> None:
    for problem in problems:
        click.echo(f"  LỖI {problem}", err=True)


@handbook_cli.command("check-content")
@click.argument("directory", required=False)
def check_content(directory: str | None) -> None:
    """Validate every Markdown file without importing; exit 1 on any problem."""
    sources, problems = importer.read_folder(
        _content_dir(directory), current_app.config["MARKDOWN_MAX_BYTES"])
    click.echo(f"{len(sources)} văn bản hợp lệ, {len(problems)} lỗi.")
    _echo_problems(problems)
    if problems:
        raise click.exceptions.Exit(1)


@handbook_cli.command("import-content")
@click.argument("directory", required=False)
def import_content(directory: str | None) -> None:
    """Import the Markdown library; unchanged files change nothing."""
    sources, problems = importer.read_folder(
        _content_dir(directory), current_app.config["MARKDOWN_MAX_BYTES"])
    with get_db().transaction() as tx:
        report = importer.import_sources(tx, sources, author="import-content")
    report.problems[:0] = problems
    click.echo(f"Mới: {len(report.created)}, có phiên bản mới: {len(report.revised)}, "
               f"không đổi: {len(report.unchanged)}, lỗi: {len(report.problems)}.")
    for slug in report.not_in_folder:
        click.echo(f"  Không còn trong thư mục (giữ nguyên trong CSDL): {slug}")
    _echo_problems(report.problems)
    if report.problems:
        raise click.exceptions.Exit(1)


@handbook_cli.command("export-content")
@click.argument("directory")
def export_content(directory: str) -> None:
    """Write every document's current revision back as Markdown with front matter."""
    written = importer.export_documents(session(), Path(directory))
    click.echo(f"Đã ghi {len(written)} văn bản.")
