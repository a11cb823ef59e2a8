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
import os
import pickle
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session
from whoosh import index as whoosh_index

from handbook.content import versioning
from handbook.db import Database, get_db
from handbook.search import indexer, storage

# Documents rewritten per hold of the writer lock: about 0.1 s each, so an editor's
# publish on this node (which waits up to indexer.WRITE_TIMEOUT) is never starved.
BATCH = 25
FOLLOWER = "handbook.search.follower"

CURRENT, BUSY, UPDATED, REBUILT = "current", "busy", "updated", "rebuilt"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    action: str                    # CURRENT, BUSY, UPDATED or REBUILT
    stamp: str                     # the database's content stamp when the round began
    slugs: tuple[str, ...] = ()    # documents rewritten (UPDATED)
    pending: int = 0               # documents still to rewrite; the stamp is not recorded yet
    seconds: float = 0.0


def recorded_stamp(root: Path) -> str | None:
    """The content stamp the live generation is known to reflect, if any."""
    generation = storage.current_dir(root)
    if generation is None:
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
        indexed = indexer.indexed_revisions(generation)
    except (OSError, EOFError, pickle.UnpicklingError, whoosh_index.IndexError):
        log.warning("search index %s is unreadable; rebuilding it", generation.name, exc_info=True)
        return None
    missing, stale, unexpected = indexer.differences(indexed, indexer.published_revisions(session))
    return sorted(missing + stale + unexpected)


class Follower:
    """Calls sync() every `interval` seconds from one daemon thread per process."""

    def __init__(self, db: Database, root: Path, interval: float) -> None:
        self.db = db
        self.root = Path(root)
        self.interval = interval
        self._guard = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._stopped = False
        self._failing = False

    def ensure_running(self) -> None:
        """Start the thread in this process unless it runs already or was stopped."""
        if self._running_here() or self._stopped:
            return
        with self._guard:
            if self._running_here() or self._stopped:
                return
            # After a fork the parent's thread does not exist here: start our own.
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="search-replica", daemon=True)
            self._pid = os.getpid()
            self._thread.start()

    def _running_here(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._wake.is_set():
            result = self.step()
            if result is not None and result.pending:
                continue  # the rest of a large change, as soon as the lock is free again
            self._wake.wait(self.interval)

    def step(self) -> SyncResult | None:
        """One sync round; failures are logged once per outage, never raised."""
        try:
            result = sync(self.db, self.root)
        # The boundary of a background thread: a database or disk outage must not end
        # it, or this node would silently stop following publications.
        except Exception:
            if not self._failing:
                log.exception("search replica %s cannot follow the database", self.root)
            self._failing = True
            return None
        if self._failing:
            log.info("search replica %s follows the database again", self.root)
        self._failing = False
        if result.action == REBUILT or result.slugs:
            log.info("search replica %s: %s %s in %.2f s (content %s)", self.root, result.action,
                     ", ".join(result.slugs) or "all", result.seconds, result.stamp)
        return result

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current round (a rebuild in progress is not interrupted)."""
        self._stopped = True
        self._wake.set()
        thread = self._thread
        if thread is not None and self._pid == os.getpid():
            thread.join(timeout)


def start(app) -> Follower | None:
    """Start following in this process (a gunicorn worker, after the fork). Does nothing
    for an app that is not the handbook or when SEARCH_FOLLOW_SECONDS is 0."""
    extensions = getattr(app, "extensions", None)
    if not isinstance(extensions, dict) or "handbook.db" not in extensions:
        return None
    seconds = float(app.config.get("SEARCH_FOLLOW_SECONDS") or 0)
    if seconds <= 0:
        return None
    follower = extensions.get(FOLLOWER)
    if follower is None:
        follower = extensions.setdefault(FOLLOWER, Follower(
            get_db(app), Path(app.config["SEARCH_INDEX_DIR"]), seconds))
    follower.ensure_running()
    return follower
