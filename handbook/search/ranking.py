"""BM25 ranking of OR'ed terms straight from Whoosh postings, one pass per term.

Whoosh's generic matchers cost a few microseconds per posting; a natural-language
question touches tens of thousands of postings. Reading whole posting blocks and
adding scores into a flat list is several times faster and ranks identically."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from whoosh.searching import Searcher

K1 = 0.7  # measured: lower saturation suits short sections (0.70 beat 1.2 by ~1 pt MRR)
B = 0.75


@dataclass(frozen=True)
class WeightedTerm:
    field: str
    text: str
    boost: float = 1.0


def _blocks(matcher) -> Iterator[tuple]:
    """Yield (docnums, weights) per posting block."""
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        # Whoosh 2.7's on-disk matcher decodes a block at a time: take it whole.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


class Ranker:
    """Scores documents of one open searcher; caches per-field length norms.

    Build one per searcher generation: norms go stale when the index changes."""

    def __init__(self, searcher: Searcher, k1: float = K1, b: float = B) -> None:
        self.searcher = searcher
        self.k1, self.b = k1, b
        self.size = searcher.doc_count_all()
        self._leaves = list(searcher.reader().leaf_readers())
        self._norms: dict[str, list[float]] = {}
        self.deleted = self._deleted_docnums()

    def _deleted_docnums(self) -> frozenset[int]:
        # Whoosh 2.7.4's SegmentReader has is_deleted() but no deleted_docs(); an
        # update leaves deleted entries in a segment until the next merge.
        return frozenset(
            offset + d
            for reader, offset in self._leaves
            if reader.has_deletions()
            for d in range(reader.doc_count_all())
            if reader.is_deleted(d)
        )

    def _norm(self, field: str) -> list[float]:
        norm = self._norms.get(field)
        if norm is None:
            avg = self.searcher.avg_field_length(field) or 1.0
            k1, b = self.k1, self.b
            norm = [
                k1 * ((1 - b) + b * (reader.doc_field_length(d, field) or 0) / avg)
                for reader, _offset in self._leaves
                for d in range(reader.doc_count_all())
            ]
            self._norms[field] = norm
        return norm

    def scores(self, terms: Iterable[WeightedTerm]) -> list[float]:
        """BM25 (Whoosh's idf and length encoding) summed over terms, per docnum."""
        acc = [0.0] * self.size
        for term in terms:
            norm = self._norm(term.field)
            factor = self.searcher.idf(term.field, term.text) * (self.k1 + 1) * term.boost
            for reader, offset in self._leaves:
                if (term.field, term.text) not in reader:
                    continue
                for ids, weights in _blocks(reader.postings(term.field, term.text)):
                    for docnum, weight in zip(ids, weights, strict=True):
                        d = docnum + offset
                        acc[d] += factor * weight / (weight + norm[d])
        return acc

    def matching(self, scores: list[float], allowed: Callable[[int], bool] | None = None) -> list[int]:
        """Docnums with a positive score that are live and allowed, in no order."""
        return [
            d
            for d, s in enumerate(scores)
            if s > 0 and d not in self.deleted and (allowed is None or allowed(d))
        ]

    @staticmethod
    def best(scores: list[float], docnums: list[int], limit: int) -> list[tuple[int, float]]:
        """The `limit` best (docnum, score) pairs, best first; ties keep index order."""
        chosen = heapq.nlargest(limit, docnums, key=lambda d: (scores[d], -d))
        return [(d, scores[d]) for d in chosen]

    def top(
        self, scores: list[float], limit: int, allowed: Callable[[int], bool] | None = None
    ) -> list[tuple[int, float]]:
        return self.best(scores, self.matching(scores, allowed), limit)
