"""Roll-up figures kept for a short while. A province's roll-up aggregates millions
of reading records; committees open it far more often than its percentages move,
so each process keeps the figures of a unit and campaign for REPORT_CACHE_SECONDS
and the page says when they were computed. Cell grids are never cached."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
MAX_ENTRIES = 256


class FiguresCache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[Hashable, tuple[float, object]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        value = compute()
        if self.seconds > 0:
            self._entries.pop(key, None)
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))  # the oldest stored
            self._entries[key] = (now, value)
        return value
