"""Accounts commands: first administrator, one-time codes, bulk import, demo data."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, literal, update

from handbook.accounts import audit, auth, demo, importer, roles, tables, tokens, users, web
from handbook.accounts.audit import Actor
from handbook.accounts.models import User
from handbook.accounts.vocabulary import ADMIN
from handbook.app_db import get_db
from handbook.cli import echo_problems, handbook_cli
from handbook.errors import HandbookError, Invalid

CLI = Actor.system("dong-lenh")


def _fail(error: HandbookError) -> None:
    click.echo(f"LỖI: {error.title}", err=True)
    echo_problems(getattr(error, "problems", [error.message]))
    raise click.exceptions.Exit(1)


@handbook_cli.command("create-admin")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Họ và tên.")
def create_admin(username: str, full_name: str) -> None:
    """Create an administrator and print a one-time activation code (no default password)."""
    hours = current_app.config["ACTIVATION_CODE_HOURS"]
    try:
        with get_db().transaction() as tx:
            user = users.create_user(tx, CLI, username, full_name)
            roles.grant(tx, CLI, user.id, ADMIN)
            code = auth.issue_activation(tx, web.code_key(), user, hours, CLI)
    except HandbookError as error:
        _fail(error)
    click.echo(f"Đã tạo quản trị viên {user.username}.")
    click.echo(f"Mã kích hoạt (dùng một lần, hết hạn sau {hours} giờ): {code}")
    click.echo("Mở trang /kich-hoat để đặt mật khẩu, rồi thiết lập xác thực hai bước.")


@handbook_cli.command("issue-code")
@click.argument("username")
def issue_code(username: str) -> None:
    """Print a one-time code with which USERNAME sets a new password."""
    hours = current_app.config["RESET_CODE_HOURS"]
    with get_db().transaction() as tx:
        user = users.by_username(tx, username)
        if user is None:
            raise click.ClickException("Không có tài khoản này.")
        code = auth.issue_reset(tx, web.code_key(), user.id, hours, CLI)
    click.echo(f"Mã đặt lại mật khẩu của {user.username} (hết hạn sau {hours} giờ): {code}")


@handbook_cli.command("end-sessions")
@click.argument("username", required=False)
@click.option("--all", "everyone", is_flag=True, help="Kết thúc phiên của mọi tài khoản.")
def end_sessions(username: str | None, everyone: bool) -> None:
    """End the sessions of USERNAME, or of everyone with --all."""
    if not (username or everyone):
        raise click.UsageError("Cần USERNAME hoặc --all.")
    with get_db().transaction() as tx:
        if everyone:
            # Half of each version is replaced: still distinct per user, all new.
            fresh = users.new_session_version()[:16]
            tx.execute(
                update(User).values(session_version=func.substr(User.session_version, 1, 16) + literal(fresh))
            )
            tokens.revoke_all(tx)
            audit.record(tx, CLI, "user.sessions_ended_all")
        else:
            user = users.by_username(tx, username)
            if user is None:
                raise click.ClickException("Không có tài khoản này.")
            users.end_sessions(tx, CLI, user.id, reason="cli")
    click.echo("Đã kết thúc các phiên đăng nhập.")


@handbook_cli.command("import-members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--codes-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi mã kích hoạt của người mới vào tệp CSV này (quyền 600).",
)
def import_members(file: Path, codes_out: Path | None) -> None:
    """Import units and members from CSV or XLSX; rejected rows are listed with reasons."""
    try:
        found = tables.read_tables(file.name, file.read_bytes())
        with get_db().transaction() as tx:
            report = importer.import_tables(
                tx, CLI, found, web.code_key(), current_app.config["ACTIVATION_CODE_HOURS"]
            )
    except Invalid as error:
        _fail(error)
    click.echo(
        f"Mới: {len(report.created)}, cập nhật: {len(report.updated)}, "
        f"không đổi: {report.unchanged}, bị từ chối: {len(report.rejected)}."
    )
    for rejected in report.rejected:
        reasons = "; ".join(f"{p.field}: {p.reason}" for p in rejected.problems)
        click.echo(f"  {rejected.source} dòng {rejected.line}: {reasons}", err=True)
    _write_codes(report.codes, codes_out)
    if report.rejected:
        raise click.exceptions.Exit(1)


def _write_codes(codes: list[tuple[str, str, str]], target: Path | None) -> None:
    if not codes:
        return
    if target is None:
        click.echo("Mã kích hoạt của tài khoản mới (chỉ hiện một lần):")
        for username, name, code in codes:
            click.echo(f"  {username}\t{name}\t{code}")
        return
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ten_dang_nhap", "ho_ten", "ma_kich_hoat"])
        writer.writerows([_spreadsheet_safe(v) for v in row] for row in codes)
    click.echo(f"Đã ghi {len(codes)} mã kích hoạt vào {target}.")


def _spreadsheet_safe(value: str) -> str:
    # A name starting with = + - @ would run as a formula when the file is opened.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@handbook_cli.command("demo")
@click.option("--scale", type=click.Choice(sorted(demo.SCALES)), default="small", show_default=True)
@click.option("--password", help="Mật khẩu cho các tài khoản mẫu (mặc định: ngẫu nhiên).")
def demo_command(scale: str, password: str | None) -> None:
    """Build demo units, members and the demo.* accounts (development only)."""
    if current_app.config["ENV_NAME"] not in ("development", "testing"):
        raise click.ClickException(
            "Dữ liệu mẫu chỉ dùng trong môi trường phát triển (HANDBOOK_ENV_NAME=development)."
        )
    started = time.perf_counter()
    with get_db().transaction() as tx:
        result = demo.build(tx, web.passwords(), demo.SCALES[scale], password)
    seconds = time.perf_counter() - started
    if result.created:
        click.echo(f"Đã tạo {result.units} đơn vị, {result.members} đảng viên trong {seconds:.1f} giây.")
    else:
        click.echo("Dữ liệu mẫu đã có; chỉ đặt lại mật khẩu các tài khoản mẫu.")
    for username, secret in result.passwords.items():
        click.echo(f"  {username}\t{secret}")
    if password:
        click.echo("Các tài khoản demo.* dùng mật khẩu đã cho.")
