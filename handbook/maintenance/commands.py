"""Maintenance commands: back up and restore the database."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app

from handbook.cli import handbook_cli
from handbook.errors import HandbookError, StorageFull
from handbook.maintenance import MaintenanceError, backup, restore
from handbook.maintenance.sqlite import Summary

# What an operator is told, on stderr and with exit code 1, instead of a traceback.
REFUSED = (MaintenanceError, StorageFull)
# The tables an operator recognises in a summary; the manifest counts every table.
MAIN_TABLES = (
    "documents",
    "document_revisions",
    "users",
    "units",
    "reading_events",
    "completions",
    "audit_events",
)


def _fail(error: HandbookError) -> NoReturn:
    click.echo(f"LỖI: {error.message}", err=True)
    raise click.exceptions.Exit(1)


def _describe(summary: Summary) -> None:
    click.echo(f"  Phiên bản lược đồ: {summary.revision}; phiên bản nội dung: {summary.content_version}.")
    counts = ", ".join(f"{name} {summary.tables[name]}" for name in MAIN_TABLES if name in summary.tables)
    click.echo(f"  Số dòng: {counts}.")


@handbook_cli.command("backup")
@click.argument("dest", required=False)
def backup_command(dest: str | None) -> None:
    """Copy the SQLite database (online backup API) to DEST, check it, write a manifest.

    DEST is a new file or a folder; by default instance/backups/handbook-<time>.db."""
    try:
        made = backup.create(current_app, backup.destination(current_app, dest))
    except REFUSED as error:
        _fail(error)
    size = made.manifest["bytes"] / 1024 / 1024
    click.echo(f"Đã sao lưu vào {made.path} ({size:.1f} MB), PRAGMA integrity_check: ok.")
    _describe(
        Summary(made.manifest["schema_revision"], made.manifest["content_version"], made.manifest["tables"])
    )
    click.echo(f"  Tệp mô tả: {backup.manifest_path(made.path)}")


@handbook_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại trước khi thay cơ sở dữ liệu.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database with the backup FILE; the service must be stopped.

    The current file is moved aside (never deleted) and the search index is rebuilt."""
    try:
        staged = restore.prepare(current_app, file)
    except REFUSED as error:
        _fail(error)
    try:
        click.echo(f"Bản sao lưu {file} nguyên vẹn (PRAGMA integrity_check: ok).")
        _describe(staged.summary)
        if not yes and not click.confirm(
            f"Thay cơ sở dữ liệu {staged.target} bằng bản sao lưu này?", default=False
        ):
            click.echo("Đã hủy, cơ sở dữ liệu không thay đổi.")
            return
        done = restore.complete(current_app, staged)
    except REFUSED as error:
        _fail(error)
    finally:
        staged.discard()
    _report(done)


def _report(done: restore.Restored) -> None:
    click.echo(f"Đã khôi phục {done.target} (lược đồ {done.revision}).")
    if done.moved_aside:
        click.echo(f"  Tệp cũ được giữ lại ở {done.moved_aside}.")
    if done.upgraded:
        click.echo("  Lược đồ đã được nâng lên phiên bản mới nhất.")
    if done.erased_since_backup:
        ids = ", ".join(str(user_id) for user_id in done.erased_since_backup)
        click.echo(
            f"  CẢNH BÁO: bản sao lưu có lại dữ liệu cá nhân của đảng viên đã bị xóa sau "
            f"thời điểm sao lưu (mã tài khoản {ids}); hãy xóa dữ liệu của họ một lần "
            "nữa.",
            err=True,
        )
    if done.index_entries is None:
        click.echo(
            "  CẢNH BÁO: chưa dựng lại được chỉ mục tìm kiếm; hãy chạy `flask handbook reindex`.", err=True
        )
    else:
        click.echo(f"  Đã dựng lại chỉ mục tìm kiếm: {done.index_entries} mục.")
