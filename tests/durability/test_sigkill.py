"""SIGKILL a real writer process in the middle of imports, publishes and index rebuilds,
again and again, and find the database intact, every acknowledged write present and
the index consistent once recovered. Raise ROUNDS for a longer run, or run
`python -m benchmarks.durability_bench`. The figures are printed (pytest -s)."""

from __future__ import annotations

import pytest

from tests.conftest import ON_POSTGRES
from tests.durability import crashloop

ROUNDS = 24  # 8 of each kind; about 25 s on two cores
SEED = 20251125

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="kills a writer of the SQLite file")


def test_writers_killed_at_random_moments_lose_nothing_acknowledged(tmp_path):
    tally = crashloop.run(tmp_path, ROUNDS, SEED)
    print("\n" + "\n".join(tally.lines()))
    assert sum(tally.rounds.values()) == ROUNDS
    assert tally.integrity_failures == 0
    assert tally.unrecovered == 0
    assert tally.lost_writes == []
    assert tally.problems == []
    # The rounds must have exercised something: kills inside writes, and acknowledged
    # writes of every kind to check.
    assert sum(tally.mid_write.values()) >= ROUNDS // 2
    assert all(tally.acknowledged[kind] for kind in crashloop.KINDS)
