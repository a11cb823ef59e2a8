"""The engines a user would pick instead, run on the same corpus and queries as ours."""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata

from handbook.search.evaluation import Scores, score_run

_D = str.maketrans({"đ": "d", "Đ": "D"})
_WORD = re.compile(r"\w+")


def prepare(text: str) -> str:
    # NFC (NFD rows would not match) and đ→d, which unicode61 does not fold.
    return unicodedata.normalize("NFC", text).translate(_D)


def document_text(row: dict) -> str:
    return f"{row['law_id']}\nĐiều {row['article_id']}. {row['title']}\n{row['text']}"


def interleaved(runners: dict, questions: list[dict], transform=lambda t: t) -> dict[str, Scores]:
    """Time every engine on each question in turn, so a machine shared with other
    work slows all engines alike and latency ratios stay meaningful."""
    ranked = {name: [] for name in runners}
    latencies = {name: [] for name in runners}
    for question in questions:
        text = transform(question.get("question") or question.get("query") or "")
        for name, run_one in runners.items():
            started = time.perf_counter()
            ranked[name].append(run_one(text))
            latencies[name].append((time.perf_counter() - started) * 1000)
    relevant = [set(q["relevant_ids"]) for q in questions]
    return {name: score_run(ranked[name], relevant, latencies[name]) for name in runners}


class Fts5:
    name = "SQLite FTS5"

    def __init__(self, rows: list[dict]) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE a USING fts5(id UNINDEXED, body, tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO a VALUES (?, ?)", [(r["id"], prepare(document_text(r))) for r in rows]
        )
        self.db.commit()

    def query(self, text: str) -> list[str]:
        terms = dict.fromkeys(_WORD.findall(prepare(text).lower()))
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in terms)
        return [
            r[0]
            for r in self.db.execute("SELECT id FROM a WHERE a MATCH ? ORDER BY bm25(a) LIMIT 10", (match,))
        ]


class Tantivy:
    name = "tantivy"

    def __init__(self, rows: list[dict]) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("body", tokenizer_name="vi")
        self.index = tantivy.Index(builder.build())
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build()
        )
        self.index.register_tokenizer("vi", analyzer)
        writer = self.index.writer()
        for r in rows:
            writer.add_document(tantivy.Document(id=r["id"], body=prepare(document_text(r))))
        writer.commit()
        self.index.reload()
        self.searcher = self.index.searcher()

    def query(self, text: str) -> list[str]:
        terms = dict.fromkeys(_WORD.findall(prepare(text).lower()))
        if not terms:
            return []
        parsed = self.index.parse_query(" ".join(terms), ["body"])  # OR by default
        found = self.searcher.search(parsed, 10).hits
        return [self.searcher.doc(address)["id"][0] for _score, address in found]


def available_engines(rows: list[dict]) -> list:
    engines = [Fts5(rows)]
    try:
        engines.append(Tantivy(rows))
    except ImportError:
        pass  # tantivy is optional: reported as missing
    return engines
