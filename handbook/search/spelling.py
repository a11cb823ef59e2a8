""" "Did you mean": unknown words replaced by the nearest indexed word, shown with its marks."""

from __future__ import annotations

from collections.abc import Callable

from whoosh.query import Term

from handbook.search.analysis import fold_syllable
from handbook.search.query import ParsedQuery
from handbook.search.readers import IndexView

MAX_DISTANCE = 2
MIN_LENGTH = 3  # shorter syllables have too many neighbours to guess from
# A Vietnamese syllable has at most 7 letters ("nghiêng"); 8 leaves room for one typed
# twice. Longer words are not guessed at: Whoosh's suggest() grows with the word's
# length (one 500-letter word took 1.2 s on the library). Numbers are never corrected.
MAX_LENGTH = 8


def _live(view: IndexView, field: str, text: str) -> bool:
    """The term occurs in a live entry (not only in a withdrawn one)."""
    searcher = view.searcher
    if (field, text) not in searcher.reader():
        return False
    return any(d not in view.ranker.deleted for d in searcher.docs_for_query(Term(field, text)))


def _accented(view: IndexView, folded: str) -> str:
    """The most frequent accented spelling of a folded word (from the `spell` field)."""
    reader = view.searcher.reader()
    forms = [
        t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix("spell", f"{folded}|")
    ]
    forms = [t for t in forms if _live(view, "spell", t)]
    if not forms:
        return folded
    return max(forms, key=lambda t: reader.doc_frequency("spell", t)).split("|", 1)[1]


def _correct(view: IndexView, word: str) -> str | None:
    folded = fold_syllable(word.lower())
    if not MIN_LENGTH <= len(folded) <= MAX_LENGTH or any(ch.isdigit() for ch in folded):
        return None
    if ("all", folded) in view.searcher.reader():
        return None  # known word (a lexicon look-up; no posting scan for long questions)
    candidates = view.searcher.suggest("all", folded, limit=10, maxdist=MAX_DISTANCE)
    reader = view.searcher.reader()
    # A swapped pair of letters ("vein") is one typo, not two: rank by OSA distance.
    ranked = sorted(
        candidates,
        key=lambda c: (osa_distance(folded, c), abs(len(c) - len(folded)), -reader.doc_frequency("all", c)),
    )
    for candidate in ranked:
        if _live(view, "all", candidate):
            return _accented(view, candidate)
    return None


def osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def did_you_mean(
    view: IndexView, query: ParsedQuery, out_of_time: Callable[[], bool] = lambda: False
) -> str | None:
    """The query with each unknown word corrected, or None when nothing changes or when
    out_of_time() turns true before every word was looked at (no half-corrected query)."""
    changed = False
    words = []
    for word in query.words:
        if out_of_time():
            return None
        better = _correct(view, word)
        changed = changed or better is not None
        words.append(better or word)
    return " ".join(words) if changed else None
