"""`flask handbook …`: one click group; each feature adds its commands in `commands.py`."""

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


def load_feature_commands() -> AppGroup:
    # Imported for their side effect of adding commands to handbook_cli.
    from handbook.accounts import commands as _accounts  # noqa: F401
    from handbook.content import commands as _content  # noqa: F401
    from handbook.editor import commands as _editor  # noqa: F401
    from handbook.maintenance import commands as _maintenance  # noqa: F401
    from handbook.node import serve
    from handbook.search import commands as _search  # noqa: F401
    from handbook.study import commands as _study  # noqa: F401

    handbook_cli.add_command(serve)
    return handbook_cli
