"""Accounts: people, the party organisation tree, roles, login and access policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the package imports without Flask: its services do not need it
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """Login manager, password hasher and the access-policy gate."""
    from handbook.accounts import access, web

    web.init_app(app)
    access.init_app(app)


def blueprints() -> list[Blueprint]:
    from handbook.accounts import profile_views, unit_views  # noqa: F401  (routes on views.bp)
    from handbook.accounts.admin import audit_views, imports, members, units  # noqa: F401
    from handbook.accounts.admin import bp as admin_bp
    from handbook.accounts.views import bp

    return [bp, admin_bp]
