"""Retrieval quality and speed on a judged JSONL set, through the web's search code."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from handbook.errors import Invalid, Problem
from handbook.search import indexer
from handbook.search.readers import SearcherPool
from handbook.search.schema import Entry
from handbook.search.service import SearchRequest, search
from handbook.text import fold, nfc

CUTOFF = 10


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise Invalid([Problem(path.name, f"dòng {number} không phải JSON")]) from None


def corpus_entries(path: Path) -> Iterator[Entry]:
    """ALQAC-style rows: `law_id` is the document, each article one section."""
    for row in read_jsonl(path):
        article = str(row.get("article_id", ""))
        heading = f"Điều {article}. {row.get('title', '')}".strip()
        yield Entry(
            slug=str(row["id"]),
            anchor=f"dieu-{article}",
            position=1,
            doc_title=row.get("law_id", ""),
            heading=heading,
            text=row.get("text", ""),
        )


@dataclass(frozen=True)
class Scores:
    queries: int
    mrr10: float
    r1: float
    r10: float
    p50_ms: float
    p95_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def score_run(ranked: list[list[str]], relevant: list[set[str]], latencies: list[float]) -> Scores:
    ranks = [
        next((i for i, key in enumerate(found[:CUTOFF], 1) if key in rel), None)
        for found, rel in zip(ranked, relevant, strict=True)
    ]
    n = max(1, len(ranks))
    return Scores(
        len(ranks),
        sum(1 / r for r in ranks if r) / n,
        sum(1 for r in ranks if r == 1) / n,
        sum(1 for r in ranks if r) / n,
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
    )


def strip_marks(text: str) -> str:
    return fold(nfc(text))


def run_queries(
    pool: SearcherPool, questions: list[dict], key: str = "slug", transform=lambda text: text
) -> Scores:
    """Time each query end to end (analysis included) through service.search."""
    ranked, relevant, latencies = [], [], []
    search(pool, SearchRequest(q="khởi động"), facets=False)  # open the searcher once
    for question in questions:
        text = transform(question.get("question") or question.get("query") or "")
        started = time.perf_counter()
        results = search(pool, SearchRequest(q=text, per_page=CUTOFF), facets=False, snippets=False)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked.append([_hit_key(hit, key) for hit in results.hits])
        relevant.append(set(question.get("relevant_ids", [])))
    return score_run(ranked, relevant, latencies)


def _hit_key(hit, key: str) -> str:
    return hit.slug if key == "slug" else f"{hit.slug}#{hit.anchor}"


def evaluate(corpus: Path, queries: Path) -> dict:
    """Build a throw-away index of `corpus` and score `queries` as typed and unaccented."""
    questions = list(read_jsonl(queries))
    with tempfile.TemporaryDirectory(prefix="search-eval-") as tmp:
        started = time.perf_counter()
        indexer.build(Path(tmp), corpus_entries(corpus))
        build_seconds = time.perf_counter() - started
        pool = SearcherPool(Path(tmp))
        try:
            accented = run_queries(pool, questions)
            stripped = run_queries(pool, questions, transform=strip_marks)
        finally:
            pool.close()
    return {
        "corpus": corpus.name,
        "queries": queries.name,
        "build_seconds": build_seconds,
        "accented": asdict(accented),
        "stripped": asdict(stripped),
    }


def describe(report: dict) -> list[str]:
    lines = [
        f"{report['queries']}: {report['accented']['queries']} truy vấn, "
        f"dựng chỉ mục {report['build_seconds']:.1f} s"
    ]
    for name in ("accented", "stripped"):
        s = report[name]
        lines.append(
            f"  {name:9} MRR@10 {s['mrr10']:.3f}  R@1 {s['r1']:.3f}  R@10 {s['r10']:.3f}"
            f"  p50 {s['p50_ms']:.1f} ms  p95 {s['p95_ms']:.1f} ms"
        )
    return lines
