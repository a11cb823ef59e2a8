"""What a typed query means: terms, quoted phrases, document numbers, article numbers.

There is no query syntax to get wrong: quotes pair up or are ignored, every other
symbol only separates words, and overlong input is cut."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handbook.search import analysis
from handbook.search.numbers import Reference, article_numbers, query_references, split_runs
from handbook.search.ranking import WeightedTerm
from handbook.text import nfc

MAX_QUERY_CHARS = 500
MAX_TERMS = 64

# Measured on the ALQAC questions (see benchmarks/search_bench.py): unigrams and
# bigrams of the all-in folded field count equally; a heading bigram adds a little;
# the accent-sensitive fields only nudge when the query carries marks.
UNIGRAM = 1.0
BIGRAM = 1.0
HEADING_BIGRAM = 0.3
TITLE_BIGRAM = 0.3
TONE = 0.1
ARTICLE = 3.0

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_PHRASE = re.compile(r'"([^"]*)"')


def clean(raw: str | None) -> str:
    """NFC, curly quotes made straight, control characters dropped, length capped."""
    text = nfc((raw or "")[: MAX_QUERY_CHARS * 2]).translate(_QUOTES)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    words: tuple[str, ...]
    folded: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    marked: bool
    refs: tuple[Reference, ...]
    articles: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.folded

    @property
    def number_terms(self) -> tuple[str, ...]:
        return tuple(split_runs(list(self.folded)))

    def highlight_terms(self) -> frozenset[str]:
        return frozenset(self.folded) | frozenset(self.number_terms)


def parse(raw: str | None) -> ParsedQuery:
    text = clean(raw)
    words = analysis.syllables(text)[:MAX_TERMS]
    folded = [analysis.fold_syllable(w.lower()) for w in words]
    phrases = tuple(
        tuple(analysis.syllables(p))[:MAX_TERMS] for p in _PHRASE.findall(text) if analysis.syllables(p)
    )
    runs = split_runs(folded)
    return ParsedQuery(
        text=text,
        words=tuple(words),
        folded=tuple(folded),
        phrases=phrases,
        marked=analysis.has_marks(" ".join(words)),
        refs=tuple(query_references(runs)),
        articles=tuple(article_numbers(folded)),
    )


def weighted_terms(query: ParsedQuery) -> list[WeightedTerm]:
    """The OR'ed terms whose BM25 scores add up to a section's score."""
    unigrams = list(dict.fromkeys(query.folded))
    pairs = list(dict.fromkeys(analysis.bigrams(list(query.folded))))
    terms = [WeightedTerm("all", t, UNIGRAM) for t in unigrams]
    terms += [WeightedTerm("all2", p, BIGRAM) for p in pairs]
    terms += [WeightedTerm("head2", p, HEADING_BIGRAM) for p in pairs]
    terms += [WeightedTerm("title2", p, TITLE_BIGRAM) for p in pairs]
    terms += [WeightedTerm("head2", a, ARTICLE) for a in dict.fromkeys(query.articles)]
    if query.marked:
        tones = [analysis.tone_key(w) for w in query.words]
        terms += [WeightedTerm("tone2", p, TONE) for p in dict.fromkeys(analysis.bigrams(tones))]
    return terms


def covered_by(query: ParsedQuery, refs: list[Reference]) -> bool:
    """True when the query is nothing but these references (plus "điều N" and "số"):
    then it names a place rather than asking about words."""
    covered = set()
    for ref in refs:
        covered.update(range(ref.start, ref.end))
    runs = list(query.number_terms)
    for i, (a, b) in enumerate(zip(runs, runs[1:], strict=False)):
        if a == "dieu" and b.isdecimal():
            covered.update((i, i + 1))
    return all(i in covered or term == "so" for i, term in enumerate(runs))
