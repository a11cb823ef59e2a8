"""Long-lived searchers per thread that follow the live generation.

A searcher is reused across requests and checked at most every REFRESH_SECONDS:
when the pointer names another generation or the generation got new commits, a
fresh searcher replaces it. Any failure while opening discards the old state and
reopens (never keep using a searcher after a failed refresh). A generation that stays
unreadable is answered with IndexUnreadable (503) and marked damaged, so the replica
follower rebuilds it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from whoosh.searching import Searcher

from handbook.search import storage
from handbook.search.ranking import Ranker

REFRESH_SECONDS = 0.5  # with the follower's 0.5 s: another node finds an edit within 2 s
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class IndexView:
    """What one query needs: the searcher, its ranker and the generation's metadata."""

    searcher: Searcher
    ranker: Ranker
    generation: Path
    meta: dict
    checked_at: float = 0.0
    cache: dict = field(default_factory=dict)

    def close(self) -> None:
        try:
            self.searcher.close()
        except Exception:  # closing a searcher whose files are gone: nothing to save
            log.debug("closing a stale searcher failed", exc_info=True)


def open_view(root: Path) -> IndexView:
    """Raises SearchUnavailable (no index) or IndexUnreadable (damaged files)."""
    generation, ix = storage.open_current(root)
    meta = storage.read_meta(generation)
    if not storage.is_current_version(generation):
        log.warning(
            "search index %s was built by analyzer %s; run `flask handbook reindex`",
            generation.name,
            meta.get("analyzer"),
        )
    try:
        searcher = ix.searcher()
    except storage.UNREADABLE as exc:
        storage.release(ix)
        raise storage.IndexUnreadable(storage.describe(exc), generation) from None
    try:
        return IndexView(searcher, Ranker(searcher), generation, meta, time.monotonic())
    except storage.UNREADABLE as exc:
        searcher.close()
        raise storage.IndexUnreadable(storage.describe(exc), generation) from None


class SearcherPool:
    """One IndexView per thread (Whoosh searchers share file handles)."""

    def __init__(self, root: Path, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self.root = Path(root)
        self.refresh_seconds = refresh_seconds
        self._local = threading.local()

    def _fresh(self, view: IndexView | None) -> IndexView:
        if view is not None:
            if time.monotonic() - view.checked_at < self.refresh_seconds:
                return view
            if self._still_live(view):
                view.checked_at = time.monotonic()
                return view
            view.close()
        return open_view(self.root)

    def _still_live(self, view: IndexView) -> bool:
        try:
            return storage.current_dir(self.root) == view.generation and view.searcher.up_to_date()
        except (OSError, ValueError):
            return False

    def run(self, work: Callable[[IndexView], T]) -> T:
        """Call `work` with an up-to-date view; retried once on a fresh view when the
        index files vanished or failed to read mid-query (a generation pruned or
        swapped). Raises IndexUnreadable when the retry fails too."""
        for attempt in (1, 2):
            previous = getattr(self._local, "view", None)
            self._local.view = None  # a failed reopen must not leave a closed view behind
            try:
                view = self._fresh(previous)
            except storage.IndexUnreadable as exc:
                if attempt == 2:
                    self._damaged(exc.reason, exc.generation)
                    raise
                continue
            self._local.view = view
            try:
                return work(view)
            except storage.UNREADABLE as exc:
                self._local.view = None
                view.close()
                if attempt == 2:
                    self._damaged(storage.describe(exc), view.generation)
                    raise storage.IndexUnreadable(storage.describe(exc), view.generation) from None
        raise storage.SearchUnavailable()

    @staticmethod
    def _damaged(reason: str, generation: Path | None) -> None:
        log.warning(
            "search index %s is unreadable (%s); answering 503 until it is rebuilt", generation, reason
        )
        if generation is not None:
            storage.mark_damaged(generation, reason)

    def close(self) -> None:
        view = getattr(self._local, "view", None)
        if view is not None:
            view.close()
            self._local.view = None
