"""Roll-up figures are kept for REPORT_CACHE_SECONDS, per unit and campaign."""

from __future__ import annotations

from handbook.reports.cache import MAX_ENTRIES, FiguresCache


def test_figures_are_computed_once_while_fresh_and_again_when_stale(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("handbook.reports.cache.time.monotonic", lambda: clock[0])
    cache, calls = FiguresCache(60), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert cache.get(("rollup", 1, None), compute) == 1
    clock[0] += 59
    assert cache.get(("rollup", 1, None), compute) == 1
    assert cache.get(("rollup", 1, 7), compute) == 2  # another campaign: its own figures
    clock[0] += 2
    assert cache.get(("rollup", 1, None), compute) == 3


def test_zero_seconds_keeps_nothing_and_the_cache_is_bounded():
    calls = []
    uncached = FiguresCache(0)
    uncached.get("k", lambda: calls.append(1))
    uncached.get("k", lambda: calls.append(1))
    assert len(calls) == 2
    bounded = FiguresCache(60)
    for i in range(MAX_ENTRIES + 10):
        bounded.get(i, lambda i=i: i)
    assert len(bounded._entries) == MAX_ENTRIES
    assert bounded.get(MAX_ENTRIES + 9, lambda: "recomputed") == MAX_ENTRIES + 9
