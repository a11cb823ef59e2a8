"""Sổ tay Đảng viên: the application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from handbook import accounts, assets, config, db, errors, navigation, privacy, proxy, security
from handbook.extensions import csrf
from handbook.routing import DatabaseId, Handbook


def create_app(test_config: dict | None = None) -> Flask:
    app = Handbook(__name__, instance_relative_config=True)
    config.load(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
    register_extensions(app)
    register_blueprints(app)
    errors.register_error_handlers(app)
    security.register(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    privacy.init_app(app)  # first: records logged while the app starts are redacted too
    proxy.init_app(app)  # behind trusted reverse proxies: client address and scheme
    db.init_app(app)
    csrf.init_app(app)
    accounts.init_app(app)  # login manager, password hasher, deny-by-default access gate
    navigation.init_app(app)
    assets.init_app(app)


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
    from handbook.study.views import load_views as study_views

    app.register_blueprint(content_bp)
    app.register_blueprint(search_bp)
    for blueprint in accounts.blueprints():
        app.register_blueprint(blueprint)
    app.register_blueprint(study_views())
    app.register_blueprint(reports_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(api.init_app(app))


def register_cli(app: Flask) -> None:
    from handbook.cli import load_feature_commands

    app.cli.add_command(load_feature_commands())
