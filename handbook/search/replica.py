"""Index replicas that follow the database, so a publication on one node is found on all.

Every node keeps its own index directory. Each gunicorn worker runs one daemon thread
(started after the fork by gunicorn.conf.py through start(); the test suite's apps
never start one) that reads the content stamp from the database every
SEARCH_FOLLOW_SECONDS. When the stamp differs from the one recorded in the live
generation's meta.json, the worker that gets the node's writer lock (the others skip
the round) compares the index with the database and rewrites the documents that
differ, at most BATCH per hold of the lock, or rebuilds into a new generation when
there is no usable index. Searchers see the change within readers.REFRESH_SECONDS."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from handbook.app_db import get_db
from handbook.content import versioning
from handbook.db import Database
from handbook.periodic import Periodic, start_in
from handbook.search import health, indexer, storage

# Documents rewritten per hold of the writer lock: about 0.1 s each, so an editor's
# publish on this node (which waits up to indexer.WRITE_TIMEOUT) is never starved.
BATCH = 25
FOLLOWER = "handbook.search.follower"
# How often a node that is in step runs the readers' queries on its own index: damage
# that no search met yet is found and rebuilt without waiting for a member to hit it.
PROBE_SECONDS = 60.0

CURRENT, BUSY, UPDATED, REBUILT = "current", "busy", "updated", "rebuilt"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    action: str  # CURRENT, BUSY, UPDATED or REBUILT
    stamp: str  # the database's content stamp when the round began
    slugs: tuple[str, ...] = ()  # documents rewritten (UPDATED)
    pending: int = 0  # documents still to rewrite; the stamp is not recorded yet
    seconds: float = 0.0


def recorded_stamp(root: Path) -> str | None:
    """The content stamp the live generation is known to reflect, if any (none once a
    reader marked it damaged: the next round rebuilds it)."""
    generation = storage.current_dir(root)
    if generation is None or storage.is_damaged(generation):
        return None
    stamp = storage.read_meta(generation).get("content_version")
    return stamp if isinstance(stamp, str) else None


def sync(db: Database, root: Path) -> SyncResult:
    """One round: bring the replica at `root` in step with the database if it is behind.
    Returns BUSY at once when another process of this node holds the writer lock."""
    with db.reads() as session:
        stamp = versioning.stamp(session)
        if recorded_stamp(root) == stamp:
            return SyncResult(CURRENT, stamp)
        try:
            with storage.writer_lock(root, timeout=0):
                return _catch_up(session, root)
        except storage.IndexBusy:
            return SyncResult(BUSY, stamp)


def _catch_up(session: Session, root: Path) -> SyncResult:
    started = time.perf_counter()
    # Read before the documents: the stamp recorded never claims more than was indexed.
    stamp = versioning.stamp(session)
    if recorded_stamp(root) == stamp:  # another process of this node just finished
        return SyncResult(CURRENT, stamp)
    generation = storage.current_dir(root)
    changed = _differing(session, generation)
    if changed is None:
        indexer.rebuild_unlocked(session, root)
        return SyncResult(REBUILT, stamp, seconds=time.perf_counter() - started)
    batch, rest = changed[:BATCH], changed[BATCH:]
    if batch:
        indexer.update_unlocked(session, generation, batch)
    if not rest:
        storage.update_meta(generation, content_version=stamp)
    return SyncResult(UPDATED, stamp, tuple(batch), len(rest), time.perf_counter() - started)


def _differing(session: Session, generation: Path | None) -> list[str] | None:
    """Slugs whose entries differ from the database; None when only a rebuild will do."""
    if generation is None or not generation.is_dir() or not storage.is_current_version(generation):
        return None
    try:
        indexed = indexer.indexed_states(generation)
    except storage.UNREADABLE:
        log.warning("search index %s is unreadable; rebuilding it", generation.name, exc_info=True)
        return None
    missing, stale, unexpected = indexer.differences(indexed, indexer.published_states(session))
    return sorted(missing + stale + unexpected)


class Follower(Periodic):
    """Calls sync() every `interval` seconds from one daemon thread per process."""

    name = "search-replica"

    def __init__(
        self, db: Database, root: Path, interval: float, probe_seconds: float = PROBE_SECONDS
    ) -> None:
        super().__init__(interval, self._round, self._pending)
        self.db = db
        self.root = Path(root)
        self.probe_seconds = probe_seconds
        self._probed_at = time.monotonic()

    def _round(self) -> SyncResult:
        result = sync(self.db, self.root)
        if result.action == REBUILT or result.slugs:
            log.info(
                "search replica %s: %s %s in %.2f s (content %s)",
                self.root,
                result.action,
                ", ".join(result.slugs) or "all",
                result.seconds,
                result.stamp,
            )
        if result.action == CURRENT and time.monotonic() - self._probed_at >= self.probe_seconds:
            self._probe()
        return result

    def _probe(self) -> None:
        """Search this node's index as readers do; an unreadable one is marked damaged
        by the readers' pool, so the next round rebuilds it."""
        self._probed_at = time.monotonic()
        if failures := health.probe(self.root, None):
            log.warning("search replica %s failed its probe: %s", self.root, "; ".join(failures))

    @staticmethod
    def _pending(result: SyncResult) -> bool:
        return bool(result.pending)  # the rest of a large change, as soon as the lock is free


def start(app) -> Follower | None:
    """Start following in this process (a gunicorn worker, after the fork); None when
    SEARCH_FOLLOW_SECONDS is 0."""
    return start_in(
        app,
        FOLLOWER,
        "SEARCH_FOLLOW_SECONDS",
        lambda seconds: Follower(get_db(app), Path(app.config["SEARCH_INDEX_DIR"]), seconds),
    )
