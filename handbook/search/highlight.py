"""Snippets of the stored (accented) text with the words that matched the folded query."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from handbook.search.analysis import WORD, fold_syllable

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Segment:
    """A run of original text; `match` marks a word that matched the query."""

    text: str
    match: bool = False


def _matches(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text) if fold_syllable(m.group(0).lower()) in terms]


def mark(text: str, terms: frozenset[str]) -> list[Segment]:
    """The whole text cut into segments, matched words flagged."""
    return _segments(text, _matches(text, terms), 0, len(text))


def snippet(text: str, terms: frozenset[str], width: int = SNIPPET_CHARS) -> list[Segment]:
    """The window of about `width` characters holding the most matched words."""
    spans = _matches(text, terms)
    if len(text) <= width:
        return _segments(text, spans, 0, len(text))
    start = _best_start(spans, width)
    start = _word_boundary(text, start, backwards=True)
    end = _word_boundary(text, min(len(text), start + width), backwards=True)
    segments = _segments(text, spans, start, end)
    if start > 0:
        segments.insert(0, Segment("… "))
    if end < len(text):
        segments.append(Segment(" …"))
    return segments


def _best_start(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window with the most matches, a little before its first one."""
    if not spans:
        return 0
    starts = [s for s, _e in spans]
    best = max(range(len(starts)), key=lambda i: (bisect_left(starts, starts[i] + width) - i, -i))
    return max(0, starts[best] - width // 5)


def _word_boundary(text: str, index: int, backwards: bool) -> int:
    if index <= 0 or index >= len(text):
        return max(0, min(index, len(text)))
    probe = index
    while 0 < probe < len(text) and not text[probe - 1].isspace():
        probe += -1 if backwards else 1
    return probe if probe > 0 else index


def _segments(text: str, spans: list[tuple[int, int]], start: int, end: int) -> list[Segment]:
    segments: list[Segment] = []
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > cursor:
            segments.append(Segment(text[cursor:s]))
        segments.append(Segment(text[s:e], True))
        cursor = e
    if cursor < end:
        segments.append(Segment(text[cursor:end]))
    return segments
