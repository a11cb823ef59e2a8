"""The app refuses to start in production with a missing or weak key."""

from __future__ import annotations

import pytest

from handbook.app import create_app
from handbook.config import DEV_SECRET_KEY, ConfigError


@pytest.mark.parametrize("key", [None, "", "short", DEV_SECRET_KEY, "a" * 64])
def test_production_refuses_weak_secret_key(key, tmp_path):
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": key, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_production_accepts_strong_key_and_secure_cookies(tmp_path):
    app = create_app(
        {"SECRET_KEY": "Zq8vN3kLp0Xr7TwYb2Hc5Jm9Ds4Fg6Ae1Ui", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDBOOK_ENV_NAME", "development")
    monkeypatch.setenv("HANDBOOK_CONTENT_DIR", str(tmp_path))
    app = create_app()
    assert app.config["CONTENT_DIR"] == str(tmp_path)
    assert not app.config["SESSION_COOKIE_SECURE"]


def test_fresh_clone_creates_the_instance_folder_for_sqlite(tmp_path, monkeypatch):
    from flask import Flask

    from handbook import migrate

    instance = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    monkeypatch.setenv("HANDBOOK_ENV_NAME", "development")
    app = create_app()
    assert instance.is_dir() and app.config["DATABASE_URL"] == f"sqlite:///{instance / 'handbook.db'}"
    migrate.upgrade(app)
    assert (instance / "handbook.db").exists()
