"""What every serving process of a node runs beside its requests: the search replica
follower and the publication scheduler. gunicorn.conf.py starts them in each worker
after the fork; `flask handbook serve` (make run) in its one process."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from handbook.editor import scheduler
from handbook.periodic import Periodic
from handbook.search import replica


def start_background(app: Flask) -> list[Periodic]:
    """Start this process's background jobs; those switched off (0 s) are skipped."""
    return [job for job in (replica.start(app), scheduler.start(app)) if job is not None]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Development server that also publishes scheduled documents on time."""
    app = current_app._get_current_object()
    start_background(app)
    run_simple(host, port, app, threaded=True)
