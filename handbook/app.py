"""The application factory: configuration, extensions, blueprints, error pages, CLI."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from handbook import (
    accounts,
    app_db,
    assets,
    config,
    error_pages,
    navigation,
    notifications,
    policies,
    privacy,
    proxy,
    security,
    templating,
    throttle,
)
from handbook.accounts.vocabulary import ROLES
from handbook.extensions import csrf
from handbook.routing import DatabaseId, Handbook


def create_app(test_config: dict | None = None) -> Flask:
    app = Handbook(__name__, instance_relative_config=True)
    config.load(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
    register_extensions(app)
    register_blueprints(app)
    policies.check_roles(app, ROLES)
    error_pages.register_error_handlers(app)
    security.register(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    privacy.init_app(app)  # first: records logged while the app starts are redacted too
    proxy.init_app(app)  # behind trusted reverse proxies: client address and scheme
    app_db.init_app(app)
    csrf.init_app(app)
    throttle.init_app(app)  # the counter store of login, code and search limits
    accounts.init_app(app)  # login manager, password hasher, deny-by-default access gate
    notifications.init_app(app)  # before the first request loads a user
    navigation.init_app(app)
    assets.init_app(app)
    templating.init_app(app)  # the shared filters: gio, ngay


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    from handbook import api
    from handbook.attachments.views import bp as attachments_bp
    from handbook.content.views import bp as content_bp
    from handbook.editor.views import bp as editor_bp
    from handbook.notifications.views import bp as notifications_bp
    from handbook.offline.views import bp as offline_bp
    from handbook.reports.views import bp as reports_bp
    from handbook.search.views import bp as search_bp
    from handbook.study import cell_views, manage_views, views  # noqa: F401  (routes on bp)
    from handbook.study.blueprint import bp as study_bp

    app.register_blueprint(content_bp)
    app.register_blueprint(search_bp)
    from handbook.privacy import views as _privacy  # noqa: F401  (routes on accounts' blueprints)

    for blueprint in accounts.blueprints():
        app.register_blueprint(blueprint)
    app.register_blueprint(study_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(api.init_app(app))


def register_cli(app: Flask) -> None:
    # Imported for their side effect of adding commands to handbook_cli.
    from handbook.accounts import commands as _accounts  # noqa: F401
    from handbook.cli import handbook_cli
    from handbook.content import commands as _content  # noqa: F401
    from handbook.editor import commands as _editor  # noqa: F401
    from handbook.maintenance import commands as _maintenance  # noqa: F401
    from handbook.node import serve
    from handbook.search import commands as _search  # noqa: F401
    from handbook.study import commands as _study  # noqa: F401

    handbook_cli.add_command(serve)
    app.cli.add_command(handbook_cli)
