"""Content commands: check, import and export the Markdown library."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from handbook.app_db import get_db
from handbook.cli import echo_problems, handbook_cli
from handbook.clock import as_utc
from handbook.content import importer


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
@click.option(
    "--overwrite-app-edits",
    is_flag=True,
    help="Khi cả tệp và văn bản trong ứng dụng đều đã sửa (xung đột), lấy nội dung "
    "tệp làm phiên bản mới; bản sửa trong ứng dụng vẫn còn trong lịch sử.",
)
def import_content(directory: str | None, overwrite_app_edits: bool) -> None:
    """Import the Markdown library without overwriting edits made in the application;
    exit 1 on a problem or a conflict (the other files are imported)."""
    sources, problems = _read(directory)
    with get_db().transaction() as tx:
        report = importer.import_sources(
            tx, sources, author="import-content", overwrite_app_edits=overwrite_app_edits
        )
    report.problems[:0] = problems
    _echo_report(report, _content_dir(directory))
    if report.problems or report.conflicts:
        raise click.exceptions.Exit(1)


_KEPT = {
    importer.APP_EDITED: "Giữ bản sửa trong ứng dụng (tệp không đổi từ lần nhập trước)",
    "draft": "Giữ bản nháp trong ứng dụng, không nhập tệp",
    "archived": "Văn bản đã lưu trữ trong ứng dụng, không nhập tệp",
}


def _echo_report(report: importer.ImportReport, folder: Path) -> None:
    click.echo(
        f"Mới: {len(report.created)}, có phiên bản mới: {len(report.revised)}, "
        f"không đổi: {len(report.unchanged)}, giữ bản trong ứng dụng: {len(report.kept)}, "
        f"xung đột: {len(report.conflicts)}, lỗi: {len(report.problems)}."
    )
    for slug in report.not_in_folder:
        click.echo(f"  Không còn trong thư mục (giữ nguyên trong CSDL): {slug}")
    for held in report.kept:
        click.echo(f"  {_KEPT[held.reason]}: {held.slug}, {_revision(held)}")
    for held in report.overwritten:
        click.echo(
            f"  Tệp thay bản sửa trong ứng dụng ({_revision(held)}, vẫn còn trong lịch sử): {held.slug}"
        )
    for held in report.conflicts:
        click.echo(
            f"  XUNG ĐỘT {held.slug}.md: tệp và văn bản trong ứng dụng đều đã sửa từ "
            f"lần nhập trước; văn bản đang ở {_revision(held)}. Chưa nhập gì.",
            err=True,
        )
    if any(held.reason == importer.APP_EDITED for held in report.kept):
        click.echo(f"  Đưa bản sửa về thư mục: flask handbook export-content {folder}")
    if report.conflicts:
        click.echo(
            f"  Gộp xung đột: commit tệp vào git, chạy flask handbook export-content "
            f"{folder} (ghi bản trong ứng dụng lên tệp), xem git diff, gộp rồi nhập lại; "
            "hoặc nhập lại với --overwrite-app-edits để lấy nội dung tệp.",
            err=True,
        )
    echo_problems(report.problems)


def _revision(held: importer.Held) -> str:
    at = as_utc(held.at).strftime("%H:%M %d/%m/%Y UTC")
    return f"phiên bản {held.revision} do {held.author or 'không rõ'} lưu lúc {at}"


@handbook_cli.command("export-content")
@click.argument("directory")
def export_content(directory: str) -> None:
    """Write every published document's current revision back as Markdown with front
    matter: the way edits made in the application come back into `content/`."""
    target = Path(directory)
    # Exported into the folder the import reads, the two now agree on these texts.
    agreed = target.resolve() == _content_dir(None).resolve()
    with get_db().transaction() as tx:
        written = importer.export_documents(tx, target, agreed=agreed)
    click.echo(f"Đã ghi {len(written)} văn bản.")
