"""Accounts: people, the party organisation tree, roles, login and access policy."""

from __future__ import annotations

from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """Login manager, password hasher and the access-policy gate."""
    from handbook.accounts import access, throttle, web

    web.init_app(app)
    throttle.init_app(app)
    access.init_app(app)
    if app.config["ENV_NAME"] == "production" and \
            app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        # Each worker would count failures on its own: the limits multiply by workers.
        app.logger.warning("HANDBOOK_RATELIMIT_STORAGE_URI is memory://; set a redis:// URL "
                           "so login throttling is shared by all workers.")


def blueprints() -> list[Blueprint]:
    from handbook.accounts import profile_views, unit_views  # noqa: F401  (routes on views.bp)
    from handbook.accounts.admin import load_views
    from handbook.accounts.views import bp

    return [bp, load_views()]
