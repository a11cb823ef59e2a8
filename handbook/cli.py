"""`flask handbook …`: one click group; each feature adds its commands in its
`commands.py`, which the app factory loads."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from handbook import migrate
from handbook.errors import HandbookError


class Refused(click.ClickException):
    """A domain error, told to the operator in their language, exit code 1."""

    def __init__(self, error: HandbookError) -> None:
        super().__init__(error.message)
        self.problems = getattr(error, "problems", [])

    def show(self, file=None) -> None:
        click.echo(f"LỖI: {self.message}", err=True)
        echo_problems(self.problems)


class HandbookGroup(AppGroup):
    """Every command ends a HandbookError (a full disk, a refused value) with its
    message on stderr, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except HandbookError as error:
            raise Refused(error) from error


handbook_cli = HandbookGroup("handbook", help="Quản trị Sổ tay Đảng viên.")


@handbook_cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate.upgrade(current_app)
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


def echo_problems(problems) -> None:
    for problem in problems:
        click.echo(f"  LỖI {problem}", err=True)
