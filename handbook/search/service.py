"""Search as the web, the API and the evaluation use it: query in, ranked sections out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from whoosh.query import And, Phrase, Term

from handbook.search import analysis, highlight, spelling
from handbook.search.query import ParsedQuery, covered_by, parse, weighted_terms
from handbook.search.readers import IndexView, SearcherPool

REFERENCE_BONUS = 50.0  # a named document outranks any amount of word matching
LEAD_BONUS = 0.5  # a bare document reference opens at the top of the document
FACETS = ("doc_type", "issuer", "year", "status")
MAX_PER_PAGE = 50
# Past this, a search answers with what it has ranked, without (or with no more work
# on) a spelling suggestion, the one step whose cost grows with every word typed.
# Normal queries take 5–30 ms on the library.
BUDGET_SECONDS = 0.2


@dataclass(frozen=True)
class Budget:
    """A per-request time limit (monotonic clock)."""

    deadline: float

    def spent(self) -> bool:
        return time.perf_counter() >= self.deadline


@dataclass(frozen=True)
class SearchRequest:
    q: str | None
    page: int = 1
    per_page: int = 10
    filters: tuple[tuple[str, str], ...] = ()  # (facet, value) pairs, facet in FACETS


@dataclass(frozen=True)
class Hit:
    slug: str
    anchor: str
    doc_title: str
    heading: str
    number: str
    doc_type: str
    issuer: str
    year: str
    status: str
    score: float
    heading_marked: list[highlight.Segment] = field(default_factory=list)
    snippet: list[highlight.Segment] = field(default_factory=list)


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    target: Hit | None = None  # the one place a bare reference names
    took_ms: float = 0.0
    cut_short: bool = False  # the time budget ran out: optional work was skipped

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(
    pool: SearcherPool,
    request: SearchRequest,
    *,
    facets: bool = True,
    snippets: bool = True,
    budget: float = BUDGET_SECONDS,
) -> SearchResults:
    """Rank every published section for the request; raises SearchUnavailable. Once
    `budget` seconds have passed, the answer goes out without a spelling suggestion."""
    started = time.perf_counter()
    limit = Budget(started + budget)
    query = parse(request.q)
    per_page = min(max(1, request.per_page), MAX_PER_PAGE)
    page = max(1, request.page)
    if query.empty:
        return SearchResults(query, [], 0, page, per_page)
    results = pool.run(lambda view: _run(view, query, request, page, per_page, facets, snippets, limit))
    results.took_ms = (time.perf_counter() - started) * 1000
    return results


def _run(
    view: IndexView,
    query: ParsedQuery,
    request: SearchRequest,
    page: int,
    per_page: int,
    with_facets: bool,
    snippets: bool,
    limit: Budget,
) -> SearchResults:
    scores = view.ranker.scores(weighted_terms(query))
    target_slug = _apply_references(view, query, scores)
    allowed = _phrase_filter(view, query)
    matched = view.ranker.matching(scores, None if allowed is None else allowed.__contains__)
    counts = _facet_counts(view, matched) if with_facets else {}
    if request.filters:
        matched = _filter(view, matched, request.filters)
    ranked = view.ranker.best(scores, matched, page * per_page)
    window = ranked[(page - 1) * per_page :]
    terms = query.highlight_terms()
    hits = [_hit(view, d, score, terms, snippets) for d, score in window]
    results = SearchResults(query, hits, len(matched), page, per_page, counts)
    if target_slug and ranked and columns(view)["slug"][ranked[0][0]] == target_slug:
        top = _hit(view, ranked[0][0], ranked[0][1], terms, False)
        # "điều 5 quy định 85" opens that article; a bare number opens the document.
        results.target = top if query.articles else replace(top, anchor="")
    if not limit.spent():
        results.suggestion = spelling.did_you_mean(view, query, limit.spent)
    results.cut_short = limit.spent()
    return results


def _docs(view: IndexView, q) -> set[int]:
    return set(view.searcher.docs_for_query(q)) - view.ranker.deleted


def _apply_references(view: IndexView, query: ParsedQuery, scores: list[float]) -> str | None:
    """Lift the sections of every document the query names by number; returns the
    slug when the query is nothing but a reference to exactly one document."""
    named: set[int] = set()
    used = []
    for ref in query.refs:
        found = _docs(view, Term("numkey", ref.key))
        if found:
            named |= found
            used.append(ref)
    for d in named:
        scores[d] += REFERENCE_BONUS
    slugs = {columns(view)["slug"][d] for d in named}
    if len(slugs) != 1 or not covered_by(query, used):
        return None
    lead = columns(view)["lead"]
    for d in named:
        if lead[d] == "1":
            scores[d] += LEAD_BONUS
    return slugs.pop()


def _phrase_query(words: tuple[str, ...]):
    if analysis.has_marks(" ".join(words)):
        keys = [analysis.tone_key(w) for w in words]
        return Term("tone", keys[0]) if len(keys) == 1 else Phrase("tone", keys)
    folded = [analysis.fold_syllable(w.lower()) for w in words]
    if len(folded) == 1:
        return Term("all", folded[0])
    return And([Term("all2", pair) for pair in analysis.bigrams(folded)])


def _phrase_filter(view: IndexView, query: ParsedQuery) -> set[int] | None:
    """Sections holding every quoted phrase: exact marks if typed, else folded pairs."""
    allowed = None
    for words in query.phrases:
        docs = _docs(view, _phrase_query(words))
        allowed = docs if allowed is None else allowed & docs
    return allowed


def columns(view: IndexView) -> dict[str, list]:
    """Per-docnum slug, lead flag and facet values, read once per generation."""
    cached = view.cache.get("columns")
    if cached is None:
        reader = view.searcher.reader()
        cached = {name: list(reader.column_reader(name)) for name in ("slug", "lead", *FACETS)}
        view.cache["columns"] = cached
    return cached


def _facet_counts(view: IndexView, matched: list[int]) -> dict:
    """How many matching documents (not sections) carry each facet value."""
    cols = columns(view)
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    seen: set[str] = set()
    for d in matched:
        slug = cols["slug"][d]
        if slug in seen:
            continue
        seen.add(slug)
        for name in FACETS:
            value = cols[name][d]
            if value:
                counts[name][value] = counts[name].get(value, 0) + 1
    order = {"year": lambda kv: kv[0]}
    return {
        name: sorted(c.items(), key=order.get(name, lambda kv: (-kv[1], kv[0])), reverse=name == "year")
        for name, c in counts.items()
    }


def _filter(view: IndexView, matched: list[int], filters: tuple[tuple[str, str], ...]) -> list[int]:
    cols = columns(view)
    wanted = [(cols[name], value) for name, value in filters if name in FACETS]
    return [d for d in matched if all(col[d] == value for col, value in wanted)]


def _hit(view: IndexView, docnum: int, score: float, terms: frozenset[str], snippets: bool) -> Hit:
    stored = view.searcher.stored_fields(docnum)
    return Hit(
        slug=stored["slug"],
        anchor=stored["anchor"],
        doc_title=stored["doc_title"],
        heading=stored["heading"],
        number=stored["number"],
        doc_type=stored["doc_type"],
        issuer=stored["issuer"],
        year=stored["year"],
        status=stored["status"],
        score=score,
        heading_marked=highlight.mark(stored["heading"], terms) if snippets else [],
        snippet=highlight.snippet(stored["text"], terms) if snippets else [],
    )
