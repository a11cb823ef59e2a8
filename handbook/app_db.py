"""The app's Database (one per app, made at start) and the request's read session
(opened on first use, closed when the app context ends)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from handbook.db import Database


def init_app(app: Flask) -> None:
    app.extensions["handbook.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_request_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["handbook.db"]


def session() -> Session:
    """The read session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().reads()
    return g.db_session


def _close_request_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
