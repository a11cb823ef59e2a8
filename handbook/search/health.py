"""Is the live index fit to serve? The lists must match the database, and the index
must answer the queries readers send: a list comparison alone once called an index
"in step" while every search on it failed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.content.models import Document
from handbook.search import completion, indexer, service
from handbook.search.readers import SearcherPool
from handbook.search.service import SearchRequest


def check(session: Session, root: Path) -> indexer.IndexReport:
    """indexer.check, plus the reader's queries run on a fresh searcher."""
    report = indexer.check(session, root)
    if report.generation is not None and not report.unreadable:
        report.failures = probe(root, _sample(session))
    return report


def _sample(session: Session) -> Document | None:
    return session.scalar(
        select(Document).where(Document.state == "published").order_by(Document.slug).limit(1)
    )


def probe(root: Path, document: Document | None) -> list[str]:
    """Run a search page (facets, snippets, spelling), a document reference and an
    autocompletion; returns what failed, in words. A document that is published must
    be found by its number."""
    number = document.number if document else "1"
    queries = {
        "tìm kiếm": lambda pool: service.search(pool, SearchRequest(q="đảng viên hoc tapp")),
        "số hiệu": lambda pool: _found(service.search(pool, SearchRequest(q=number)), document),
        "gợi ý": lambda pool: completion.complete(pool, number[:2]),
    }
    pool = SearcherPool(root, refresh_seconds=0)
    failures = []
    try:
        for label, run in queries.items():
            try:
                run(pool)
            # The point of the probe: any failure of a query is reported, not raised.
            except Exception as exc:
                failures.append(f"{label}: {type(exc).__name__}: {exc}"[:300])
    finally:
        pool.close()
    return failures


def _found(results: service.SearchResults, document: Document | None) -> None:
    if document is not None and all(hit.slug != document.slug for hit in results.hits):
        raise LookupError(f"không tìm thấy {document.number} theo số hiệu")
