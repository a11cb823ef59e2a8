"""Index lifecycle: drafts, one-document updates, generations, checks, concurrency, CLI."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import select

from handbook.app_db import get_db, session
from handbook.content.models import Document
from handbook.search import completion, indexer, service, storage
from handbook.search.ranking import Ranker
from handbook.search.readers import SearcherPool
from handbook.search.service import SearchRequest
from tests.conftest import import_folder


def set_state(app, slug: str, state: str) -> None:
    with app.app_context(), get_db(app).transaction() as tx:
        tx.scalar(select(Document).where(Document.slug == slug)).state = state


def update(app, root, slug: str) -> int:
    with app.app_context():
        return indexer.update_document(session(), root, slug)


def slugs(pool, q: str) -> set[str]:
    return {h.slug for h in service.search(pool, SearchRequest(q=q, per_page=50)).hits}


def test_a_draft_disappears_from_results_suggestions_and_completion(indexed, index_root, pool):
    assert "quy-dinh-47" in slugs(pool, "nội dung cũ khóa XI")
    set_state(indexed, "quy-dinh-47", "draft")
    started = time.monotonic()
    assert update(indexed, index_root, "quy-dinh-47") == 0
    assert time.monotonic() - started < 2.0
    assert "quy-dinh-47" not in slugs(pool, "nội dung cũ khóa XI")
    assert "quy-dinh-47" not in slugs(pool, "47-QĐ/TW")
    # "cũ" occurs only in the withdrawn text: it must not be offered as a correction.
    suggestion = service.search(pool, SearchRequest(q="noi dung cux")).suggestion or ""
    assert "cũ" not in suggestion.split()
    assert all(c.slug != "quy-dinh-47" for c in completion.complete(pool, "47"))


def test_rebuild_indexes_published_documents_only(indexed, index_root):
    set_state(indexed, "quy-dinh-47", "draft")
    with indexed.app_context():
        indexer.rebuild(session(), index_root)
        report = indexer.check(session(), index_root)
    assert report.ok
    searchers = SearcherPool(index_root, refresh_seconds=0)
    assert "quy-dinh-47" not in slugs(searchers, "47-QĐ/TW nội dung cũ")


def test_republishing_brings_a_document_back(indexed, index_root, pool):
    set_state(indexed, "quy-dinh-47", "draft")
    update(indexed, index_root, "quy-dinh-47")
    set_state(indexed, "quy-dinh-47", "published")
    assert update(indexed, index_root, "quy-dinh-47") == 1
    assert "quy-dinh-47" in slugs(pool, "nội dung cũ")


def test_check_reports_stale_and_unpublished(indexed, index_root, content_dir):
    with indexed.app_context():
        assert indexer.check(session(), index_root).ok
    source = content_dir / "quy-dinh-37.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nĐoạn bổ sung mới.\n", encoding="utf-8")
    assert import_folder(indexed, content_dir).revised == ["quy-dinh-37"]
    set_state(indexed, "quy-dinh-47", "draft")
    with indexed.app_context():
        report = indexer.check(session(), index_root)
    assert report.unexpected == ["quy-dinh-47"] and report.stale == ["quy-dinh-37"]
    assert not report.ok


def test_no_index_is_reported_and_search_says_unavailable(library, index_root):
    with library.app_context():
        report = indexer.check(session(), index_root)
    assert report.generation is None and len(report.missing) == 3
    with pytest.raises(storage.SearchUnavailable):
        service.search(SearcherPool(index_root), SearchRequest(q="đảng"))


def test_changed_analyzer_version_triggers_a_full_rebuild(indexed, index_root, monkeypatch):
    old = storage.current_name(index_root)
    monkeypatch.setattr(storage, "ANALYZER_VERSION", "vi-next")
    update(indexed, index_root, "nghi-quyet-35")
    assert storage.current_name(index_root) != old
    assert storage.read_meta(storage.current_dir(index_root))["analyzer"] == "vi-next"


def test_rebuild_swaps_generations_and_prunes_old_ones(indexed, index_root, monkeypatch):
    monkeypatch.setattr(storage, "GRACE_SECONDS", -1)
    with indexed.app_context():
        for _ in range(3):
            indexer.rebuild(session(), index_root)
    assert len(list(index_root.glob("g-*"))) == 2
    assert (index_root / storage.current_name(index_root)).is_dir()


def test_pruning_removes_pointer_files_a_killed_writer_left(indexed, index_root, monkeypatch):
    with indexed.app_context():
        indexer.rebuild(session(), index_root)
    orphan = index_root / ".tmp-current-abc123"
    orphan.write_text("g-old")
    storage.prune(index_root)
    assert orphan.exists()  # within the grace time it may still be in use
    monkeypatch.setattr(storage, "GRACE_SECONDS", -1)
    storage.prune(index_root)
    assert not orphan.exists() and storage.current_dir(index_root).is_dir()


def test_writer_lock_is_exclusive(index_root):
    with storage.writer_lock(index_root, timeout=1):
        with pytest.raises(storage.IndexBusy):
            with storage.writer_lock(index_root, timeout=0.1):
                pass


def test_concurrent_search_during_rebuilds(indexed, index_root, monkeypatch):
    monkeypatch.setattr(storage, "GRACE_SECONDS", -1)  # prune as aggressively as possible
    errors, counts = [], []
    stop = threading.Event()

    def reader():
        searchers = SearcherPool(index_root, refresh_seconds=0)
        while not stop.is_set():
            try:
                counts.append(service.search(searchers, SearchRequest(q="đảng viên")).total)
            except Exception as exc:  # any failure is what this test looks for
                errors.append(repr(exc))
        searchers.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    with indexed.app_context():
        for _ in range(4):
            indexer.rebuild(session(), index_root)
    stop.set()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert counts and set(counts) == {counts[0]}


def test_cli_reindex_and_check_index(indexed, runner):
    result = runner.invoke(args=["handbook", "check-index"])
    assert result.exit_code == 0, result.output
    set_state(indexed, "quy-dinh-47", "draft")
    result = runner.invoke(args=["handbook", "check-index"])
    assert result.exit_code == 1 and "quy-dinh-47" in result.output
    assert runner.invoke(args=["handbook", "reindex"]).exit_code == 0
    assert runner.invoke(args=["handbook", "check-index"]).exit_code == 0
    assert "khớp" in runner.invoke(args=["handbook", "reindex", "--if-needed"]).output


def test_check_index_runs_queries_and_reindex_if_needed_mends_an_index_that_fails_them(
    indexed, runner, monkeypatch
):
    # Lists in step, yet every query fails: what a reader method missing from Whoosh did.
    def broken(self):
        raise AttributeError("'SegmentReader' object has no attribute 'deleted_docs'")

    monkeypatch.setattr(Ranker, "_deleted_docnums", broken)
    result = runner.invoke(args=["handbook", "check-index"])
    assert result.exit_code == 1
    assert "Không trả lời được truy vấn (tìm kiếm: AttributeError" in result.output
    assert "Đã dựng lại" in runner.invoke(args=["handbook", "reindex", "--if-needed"]).output
    monkeypatch.undo()
    assert runner.invoke(args=["handbook", "check-index"]).exit_code == 0


def test_cli_search_eval(runner, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    queries = tmp_path / "queries.jsonl"
    rows = [
        {
            "id": "L-1",
            "law_id": "Luật Thủy sản",
            "article_id": "1",
            "title": "Phạm vi",
            "text": "Luật này quy định về hoạt động thủy sản.",
        },
        {
            "id": "L-2",
            "law_id": "Luật Thủy sản",
            "article_id": "2",
            "title": "Giải thích từ ngữ",
            "text": "Nuôi trồng thuỷ sản là hoạt động đầu tư.",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    queries.write_text(
        json.dumps({"question": "nuôi trồng thủy sản là gì?", "relevant_ids": ["L-2"]}, ensure_ascii=False),
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    result = runner.invoke(args=["handbook", "search-eval", str(corpus), str(queries), "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["accented"]["mrr10"] == report["stripped"]["mrr10"] == 1.0
    assert "MRR@10" in result.output
