"""A damaged live generation: 503 with a message, found by check-index, rebuilt by
reindex --if-needed and by the replica follower."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handbook.app_db import get_db
from handbook.search import replica, service, storage
from handbook.search.readers import SearcherPool
from handbook.search.service import SearchRequest


def _truncate(path: Path, size: int | None = None) -> None:
    os.truncate(path, path.stat().st_size // 2 if size is None else size)


def _one(generation: Path, pattern: str) -> Path:
    return next(p for p in generation.iterdir() if p.match(pattern))


def _search(root: Path, q: str = "đảng viên") -> service.SearchResults:
    searchers = SearcherPool(root, refresh_seconds=0)
    try:
        return service.search(searchers, SearchRequest(q=q))
    finally:
        searchers.close()


# Whoosh 2.7.4 writes one compound .seg per segment (the .trm/.pst/.fdt parts live in
# it): truncating it cuts the term and posting lists as well.
DAMAGE = {
    "segment cut in half": lambda g: _truncate(_one(g, "*.seg")),
    "segment cut to its header": lambda g: _truncate(_one(g, "*.seg"), 10),
    "garbage table of contents": lambda g: _one(g, "_*.toc").write_bytes(b"garbage" * 20),
    "table of contents cut in half": lambda g: _truncate(_one(g, "_*.toc")),
    "segment deleted": lambda g: _one(g, "*.seg").unlink(),
}


@pytest.fixture(params=sorted(DAMAGE))
def damaged(request, indexed, index_root) -> Path:
    """The live generation, damaged one way."""
    generation = storage.current_dir(index_root)
    DAMAGE[request.param](generation)
    return generation


def test_search_on_a_damaged_index_is_unavailable_with_a_reason(damaged, index_root):
    with pytest.raises(storage.IndexUnreadable) as raised:
        _search(index_root)
    assert raised.value.status == 503 and "bị hỏng" in raised.value.message
    assert storage.is_damaged(damaged)


def test_check_index_reports_it_and_reindex_if_needed_rebuilds_it(damaged, indexed, runner):
    result = runner.invoke(args=["handbook", "check-index"])
    assert result.exit_code == 1
    assert "bị hỏng" in result.output and "Aborted" not in result.output
    result = runner.invoke(args=["handbook", "reindex", "--if-needed"])
    assert result.exit_code == 0 and "Đã dựng lại" in result.output
    assert runner.invoke(args=["handbook", "check-index"]).exit_code == 0
    assert _search(Path(indexed.config["SEARCH_INDEX_DIR"])).total > 0


def test_the_replica_follower_rebuilds_it_once_a_reader_failed_on_it(damaged, indexed, index_root):
    with pytest.raises(storage.IndexUnreadable):
        _search(index_root)
    with indexed.app_context():
        assert replica.sync(get_db(indexed), index_root).action == replica.REBUILT
    assert storage.current_dir(index_root) != damaged
    assert _search(index_root).total > 0


def test_the_replica_follower_rebuilds_it_when_content_changed(damaged, indexed, index_root):
    storage.update_meta(damaged, content_version="older")
    with indexed.app_context():
        assert replica.sync(get_db(indexed), index_root).action == replica.REBUILT
    assert _search(index_root).total > 0


def test_the_follower_rebuilds_a_generation_a_reader_found_damaged(indexed, index_root):
    """Damage the stamp cannot see: the content is unchanged, only a reader noticed."""
    with indexed.app_context():
        db = get_db(indexed)
        assert replica.sync(db, index_root).action == replica.CURRENT
        generation = storage.current_dir(index_root)
        storage.mark_damaged(generation, "EOFError: Ran out of input")
        assert replica.sync(db, index_root).action == replica.REBUILT
        assert replica.sync(db, index_root).action == replica.CURRENT


def test_the_follower_finds_damage_no_member_has_searched_yet(damaged, indexed, index_root):
    """A node nobody searched since its index broke: the follower's own probe finds it,
    and the next round rebuilds it, before the first member meets a 503."""
    with indexed.app_context():
        follower = replica.Follower(get_db(indexed), index_root, interval=60, probe_seconds=0)
        assert follower.step().action == replica.CURRENT and storage.is_damaged(damaged)
        assert follower.step().action == replica.REBUILT
        assert follower.step().action == replica.CURRENT
    assert storage.current_dir(index_root) != damaged and _search(index_root).total > 0


def test_a_sound_index_passes_the_probe_untouched(indexed, index_root):
    with indexed.app_context():
        follower = replica.Follower(get_db(indexed), index_root, interval=60, probe_seconds=0)
        generation = storage.current_dir(index_root)
        assert [follower.step().action for _ in range(3)] == [replica.CURRENT] * 3
    assert storage.current_dir(index_root) == generation and not storage.is_damaged(generation)
