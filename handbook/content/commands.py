"""Content commands: check, import and export the Markdown library."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from handbook.cli import echo_problems, handbook_cli
from handbook.content import importer
from handbook.db import get_db, session


def _content_dir(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"])


def _read(directory: str | None):
    return importer.read_folder(_content_dir(directory), current_app.config["MARKDOWN_MAX_BYTES"])


@handbook_cli.command("check-content")
@click.argument("directory", required=False)
def check_content(directory: str | None) -> None:
    """Validate every Markdown file without importing; exit 1 on any problem."""
    sources, problems = _read(directory)
    click.echo(f"{len(sources)} văn bản hợp lệ, {len(problems)} lỗi.")
    echo_problems(problems)
    if problems:
        raise click.exceptions.Exit(1)


@handbook_cli.command("import-content")
@click.argument("directory", required=False)
def import_content(directory: str | None) -> None:
    """Import the Markdown library; unchanged files change nothing."""
    sources, problems = _read(directory)
    with get_db().transaction() as tx:
        report = importer.import_sources(tx, sources, author="import-content")
    report.problems[:0] = problems
    click.echo(f"Mới: {len(report.created)}, có phiên bản mới: {len(report.revised)}, "
               f"không đổi: {len(report.unchanged)}, lỗi: {len(report.problems)}.")
    for slug in report.not_in_folder:
        click.echo(f"  Không còn trong thư mục (giữ nguyên trong CSDL): {slug}")
    echo_problems(report.problems)
    if report.problems:
        raise click.exceptions.Exit(1)


@handbook_cli.command("export-content")
@click.argument("directory")
def export_content(directory: str) -> None:
    """Write every document's current revision back as Markdown with front matter."""
    written = importer.export_documents(session(), Path(directory))
    click.echo(f"Đã ghi {len(written)} văn bản.")
