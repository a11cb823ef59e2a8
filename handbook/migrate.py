"""Schema migrations through Alembic, run from the app's own configuration."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from handbook.app_db import get_db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(app: Flask) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = get_db(app).engine
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(app), revision)
