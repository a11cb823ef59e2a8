"""The search package against the pinned Whoosh 2.7.4, on every shape a live index takes.

A fresh index is one segment. Each edit of a published document deletes its entries
from an older segment and adds a new small one: Whoosh keeps the deleted entries
until a merge. Only fresh indexes were tested before, and a method Whoosh 2.7.4 does
not have (`deleted_docs`) made every search fail after the first edit."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.reading import MultiReader
from whoosh.writing import SegmentWriter

import handbook.search
from handbook.app_db import get_db, session
from handbook.search import completion, indexer, replica, service, storage
from handbook.search.readers import SearcherPool
from handbook.search.service import SearchRequest
from tests.conftest import import_folder

SLUG = "nghi-quyet-35"
ORIGINAL = "Ủy ban và hòa giải"
EDITS = ("Ủy ban và thẩm định", "Ủy ban và giám sát")
SHAPES = {"fresh": 0, "edited once": 1, "edited twice": 2, "merged after edits": 2}


def edit_file(app, content_dir: Path, index_root: Path, old: str, new: str) -> None:
    path = content_dir / f"{SLUG}.md"
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))  # the file is NFD
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert import_folder(app, content_dir).revised == [SLUG]
    with app.app_context():
        indexer.update_document(session(), index_root, SLUG)


@pytest.fixture(params=list(SHAPES))
def shaped(request, indexed, index_root, content_dir):
    """The index after 0, 1 or 2 edits of one document, merged or not; returns
    (pool, the text served now, the texts it replaced)."""
    edits = SHAPES[request.param]
    texts = (ORIGINAL, *EDITS)
    for before, after in zip(texts[:edits], texts[1 : edits + 1], strict=True):
        edit_file(indexed, content_dir, index_root, before, after)
    if request.param.startswith("merged"):
        whoosh_index.open_dir(str(storage.current_dir(index_root))).optimize()
    pool = SearcherPool(index_root, refresh_seconds=0)
    leaves = pool.run(lambda view: list(view.searcher.reader().leaf_readers()))
    deletions = any(reader.has_deletions() for reader, _ in leaves)
    # The shape is what the name says, or the test would prove nothing.
    assert deletions == (request.param.startswith("edited"))
    assert len(leaves) == (1 + edits if deletions else 1)
    yield pool, texts[edits], texts[:edits]
    pool.close()


def slugs(pool, q: str, **extra) -> list[str]:
    return [h.slug for h in service.search(pool, SearchRequest(q=q, per_page=50, **extra)).hits]


def test_search_finds_the_served_text_and_never_a_replaced_one(shaped):
    pool, served, replaced = shaped
    assert SLUG in slugs(pool, served)
    hits = service.search(pool, SearchRequest(q=f'"{served}"')).hits
    assert [h.slug for h in hits] == [SLUG] and hits[0].snippet
    for old in replaced:
        assert SLUG not in slugs(pool, f'"{old}"')


def test_every_part_of_a_results_page_works(shaped):
    pool, _served, _replaced = shaped
    results = service.search(pool, SearchRequest(q="đảng viên", filters=(("doc_type", "Nghị quyết"),)))
    assert results.total and {h.slug for h in results.hits} == {SLUG}
    assert dict(results.facets["doc_type"])["Nghị quyết"] >= 1
    reference = service.search(pool, SearchRequest(q="35-NQ/TW"))
    assert reference.target is not None and reference.target.slug == SLUG
    assert service.search(pool, SearchRequest(q="nghi quyet dang vien")).total
    assert service.search(pool, SearchRequest(q="đảng viên học tậpp")).suggestion == "đảng viên học tập"


def test_completion_counts_each_document_once(shaped):
    pool, _served, _replaced = shaped
    found = completion.complete(pool, "35")
    assert [c.slug for c in found] == [SLUG]
    assert [c.slug for c in completion.complete(pool, "bảo vệ nền")] == [SLUG]


def test_the_index_checks_agree_with_the_database(shaped, indexed, index_root):
    with indexed.app_context():
        assert indexer.check(session(), index_root).ok
    # A following node finds nothing to rewrite, then knows it is current.
    assert replica.sync(get_db(indexed), index_root).slugs == ()
    assert replica.sync(get_db(indexed), index_root).action == replica.CURRENT


RECEIVERS = ("searcher", "reader", "writer", "ix", "whoosh_index")


def whoosh_calls() -> set[tuple[str, str, str]]:
    """(module, receiver, method) of every `receiver.method(...)` in handbook/search,
    where the receiver is a Whoosh object (`x.searcher` counts as a searcher)."""
    found = set()
    for path in Path(handbook.search.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            name = (
                owner.id
                if isinstance(owner, ast.Name)
                else (owner.attr if isinstance(owner, ast.Attribute) else None)
            )
            if name in RECEIVERS:
                found.add((path.name, name, node.func.attr))
    return found


def live_objects(index_root: Path) -> dict[str, list]:
    """Real Whoosh objects of an index with two segments, one with deletions: a
    searcher copies some reader methods onto itself, so classes alone would mislead."""
    ix = whoosh_index.open_dir(str(storage.current_dir(index_root)))
    searcher = ix.searcher()
    reader = searcher.reader()
    assert isinstance(reader, MultiReader)
    return {
        "searcher": [searcher],
        "reader": [reader, *(r for r, _ in reader.leaf_readers())],
        "writer": [SegmentWriter(ix)],
        "ix": [ix],
        "whoosh_index": [whoosh_index],
    }


def test_every_whoosh_method_the_search_package_calls_exists_in_the_pinned_version(
    indexed, index_root, content_dir
):
    edit_file(indexed, content_dir, index_root, ORIGINAL, EDITS[0])
    objects = live_objects(index_root)
    calls = whoosh_calls()
    # The scan must see the calls that matter, or it would pass by finding nothing.
    assert {
        ("ranking.py", "reader", "is_deleted"),
        ("spelling.py", "searcher", "suggest"),
        ("indexer.py", "writer", "delete_by_term"),
    } <= calls
    missing = sorted(
        f"{module}: {receiver}.{method}"
        for module, receiver, method in calls
        if not all(hasattr(obj, method) for obj in objects[receiver])
    )
    objects["writer"][0].cancel()
    objects["searcher"][0].close()
    assert not missing, "not in Whoosh 2.7.4: " + ", ".join(missing)
