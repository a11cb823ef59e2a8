"""Autocomplete: published documents whose number or title starts like the typed text."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import And, Prefix, Term

from handbook.search.analysis import folded_terms
from handbook.search.numbers import split_runs
from handbook.search.query import clean
from handbook.search.readers import SearcherPool

MAX_COMPLETIONS = 8
MAX_WORDS = 12


@dataclass(frozen=True)
class Completion:
    slug: str
    label: str  # "Nghị quyết 35-NQ/TW"
    title: str


def complete(pool: SearcherPool, typed: str | None, limit: int = MAX_COMPLETIONS) -> list[Completion]:
    """Every word must match the title line; the last one may be unfinished."""
    text = clean(typed)
    words = split_runs(folded_terms(text))[:MAX_WORDS]
    if not words:
        return []
    finished = (typed or "").endswith(" ")
    parts = [Term("lead", "1")] + [Term("title", w) for w in words[:-1]]
    parts.append(Term("title", words[-1]) if finished else Prefix("title", words[-1]))
    limit = max(1, min(limit, MAX_COMPLETIONS))

    def work(view) -> list[Completion]:
        found = view.searcher.search(And(parts), limit=limit)
        return [
            Completion(hit["slug"], f"{hit['doc_type']} {hit['number']}".strip(), hit["doc_title"])
            for hit in found
        ]

    return pool.run(work)
