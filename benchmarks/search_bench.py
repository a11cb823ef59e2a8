"""Search benchmark: our engine vs SQLite FTS5 and tantivy on ALQAC 2024, plus short
judged queries over the real content/. Run: .venv/bin/python benchmarks/search_bench.py"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from handbook.search import evaluation, indexer  # noqa: E402
from handbook.search.readers import SearcherPool  # noqa: E402
from handbook.search.service import SearchRequest, search  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "alqac2024"
SHORT = ROOT / "benchmarks" / "short_queries.jsonl"
SHORT_REPEATS = 5
TARGETS = {"mrr_accented": 0.87, "mrr_stripped": 0.86, "p95_ratio": 5.0, "short_p95_ms": 15.0}


def line(name: str, variant: str, s: evaluation.Scores) -> str:
    return (
        f"{name:13} {variant:9} MRR@10 {s.mrr10:.3f}  R@1 {s.r1:.3f}  R@10 {s.r10:.3f}  "
        f"p50 {s.p50_ms:6.1f} ms  p95 {s.p95_ms:6.1f} ms"
    )


def long_questions(tmp: Path) -> dict:
    from search_baselines import available_engines, interleaved

    rows = list(evaluation.read_jsonl(DATA / "corpus.jsonl"))
    questions = list(evaluation.read_jsonl(DATA / "questions.jsonl"))
    started = time.perf_counter()
    indexer.build(tmp / "alqac", evaluation.corpus_entries(DATA / "corpus.jsonl"))
    print(
        f"ALQAC 2024: {len(rows)} articles, {len(questions)} questions; "
        f"our index built in {time.perf_counter() - started:.1f} s"
    )
    pool = SearcherPool(tmp / "alqac")
    search(pool, SearchRequest(q="khởi động"))  # open the searcher, as a worker would

    def ours(text: str) -> list[str]:
        # Exactly what the eval command times: the web's search(), analysis included.
        found = search(pool, SearchRequest(q=text, per_page=10), facets=False, snippets=False)
        return [hit.slug for hit in found.hits]

    runners = {"ours": ours, **{e.name: e.query for e in available_engines(rows)}}
    if "tantivy" not in runners:
        print("tantivy: not importable (pip install -r requirements-dev.txt)")
    by_variant = {
        "accented": interleaved(runners, questions),
        "stripped": interleaved(runners, questions, evaluation.strip_marks),
    }
    pool.close()
    results = {name: {v: by_variant[v][name] for v in by_variant} for name in runners}
    for name, runs in results.items():
        for variant, scores in runs.items():
            print(line(name, variant, scores))
    return results


def import_content(tmp: Path) -> Path:
    """A throw-away database and index of the real content/ folder."""
    from handbook import migrate
    from handbook.app import create_app
    from handbook.app_db import get_db, session
    from handbook.content import importer

    app = create_app(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "SEARCH_INDEX_DIR": str(tmp / "content-index"),
        }
    )
    migrate.upgrade(app)
    sources, problems = importer.read_folder(ROOT / "content", app.config["MARKDOWN_MAX_BYTES"])
    with app.app_context(), get_db(app).transaction() as tx:
        importer.import_sources(tx, sources, author="bench")
    with app.app_context():
        entries = indexer.rebuild(session(), tmp / "content-index")
    print(f"content/: {len(sources)} documents ({len(problems)} with problems), {entries} sections")
    return tmp / "content-index"


def short_queries(root: Path) -> evaluation.Scores:
    """Judged 2–6 word queries; a hit counts if its slug#anchor or its slug is judged."""
    queries = list(evaluation.read_jsonl(SHORT))
    pool = SearcherPool(root)
    search(pool, SearchRequest(q="đảng viên"))  # open the searcher, as a worker would
    ranked, relevant, latencies = [], [], []
    for item in queries:
        for _ in range(SHORT_REPEATS):
            started = time.perf_counter()
            results = search(pool, SearchRequest(q=item["query"]))  # the page's full work
            latencies.append((time.perf_counter() - started) * 1000)
        judged = set(item["relevant_ids"])
        ranked.append(
            [f"{h.slug}#{h.anchor}" if f"{h.slug}#{h.anchor}" in judged else h.slug for h in results.hits]
        )
        relevant.append(judged)
    pool.close()
    scores = evaluation.score_run(ranked, relevant, latencies)
    print(line("ours", "short", scores) + f"   ({len(queries)} queries × {SHORT_REPEATS})")
    return scores


def verdict(long: dict, short: evaluation.Scores) -> dict:
    ours, fts = long["ours"], long["SQLite FTS5"]
    ratio = ours["accented"].p95_ms / max(fts["accented"].p95_ms, 1e-9)
    checks = {
        "MRR@10 accented >= 0.87": ours["accented"].mrr10 >= TARGETS["mrr_accented"],
        "MRR@10 stripped >= 0.86": ours["stripped"].mrr10 >= TARGETS["mrr_stripped"],
        f"long p95 <= 5x FTS5 (x{ratio:.2f})": ratio <= TARGETS["p95_ratio"],
        "short p95 <= 15 ms": short.p95_ms <= TARGETS["short_p95_ms"],
    }
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISSED'}] {label}")
    return checks


def main() -> int:
    if not (DATA / "corpus.jsonl").exists():
        print(f"evaluation data not found at ../shared/data/alqac2024 (from {ROOT.name})")
        return 2
    with tempfile.TemporaryDirectory(prefix="search-bench-") as name:
        tmp = Path(name)
        long = long_questions(tmp)
        short = short_queries(import_content(tmp))
    checks = verdict(long, short)
    if "--json" in sys.argv:
        out = {k: {v: s.__dict__ for v, s in runs.items()} for k, runs in long.items()}
        out["short"] = short.__dict__
        print(json.dumps(out, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
