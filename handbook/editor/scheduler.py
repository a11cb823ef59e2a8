"""Scheduled publication without anyone asking: every worker of every node looks for
due drafts every PUBLISH_DUE_SECONDS, and row locks let exactly one publish each
(publishing.publish_due), so no single node's absence stops it."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from handbook.app_db import get_db
from handbook.db import Database
from handbook.editor import publishing
from handbook.periodic import Periodic, start_in

SCHEDULER = "handbook.editor.scheduler"
log = logging.getLogger(__name__)


class Scheduler(Periodic):
    name = "publish-scheduler"

    def __init__(self, db: Database, index_root: Path, interval: float) -> None:
        super().__init__(interval, self._round)
        self.db = db
        self.index_root = Path(index_root)

    def _round(self) -> tuple[list[str], list[str]]:
        done, failed = publishing.publish_due(self.db, self.index_root)
        for slug in done:
            log.info("published %s as scheduled", slug)
        for slug in failed:
            log.warning("could not publish %s as scheduled; retrying next round", slug)
        return done, failed


def start(app: Flask) -> Scheduler | None:
    """Start looking for due drafts in this process; None when PUBLISH_DUE_SECONDS is 0."""
    return start_in(
        app,
        SCHEDULER,
        "PUBLISH_DUE_SECONDS",
        lambda seconds: Scheduler(get_db(app), Path(app.config["SEARCH_INDEX_DIR"]), seconds),
    )
