"""The spelling step's guards: only words of a syllable's length are guessed at, and a
search past its time budget answers without a suggestion."""

from __future__ import annotations

import pytest
from whoosh.searching import Searcher

from handbook.search import service, spelling
from handbook.search.service import SearchRequest


@pytest.fixture
def suggest_calls(monkeypatch) -> list[str]:
    """The words handed to Whoosh's suggest()."""
    calls: list[str] = []
    real = Searcher.suggest

    def spy(self, fieldname, text, *args, **kwargs):
        calls.append(text)
        return real(self, fieldname, text, *args, **kwargs)

    monkeypatch.setattr(Searcher, "suggest", spy)
    return calls


def test_a_typo_is_still_corrected(pool):
    assert service.search(pool, SearchRequest(q="đảng viên hoc tapp")).suggestion == "đảng viên hoc tập"


def test_words_longer_than_a_syllable_are_not_guessed_at(pool, suggest_calls):
    results = service.search(pool, SearchRequest(q="x" * 300 + " tapp " + "nghiengxx"))
    assert suggest_calls == ["tapp"]
    assert results.suggestion is None or "x" * 20 in results.suggestion


def test_past_the_budget_there_is_no_suggestion(pool, suggest_calls):
    results = service.search(pool, SearchRequest(q="đảng viên hoc tapp"), budget=0)
    assert results.cut_short and results.suggestion is None and not suggest_calls
    assert results.total > 0  # the ranked answer still goes out


def test_the_budget_stops_the_spelling_between_words(pool, suggest_calls):
    ticks = iter([False, True])
    query = service.parse("tapp vienn hocc")
    assert pool.run(lambda view: spelling.did_you_mean(view, query, lambda: next(ticks))) is None
    assert suggest_calls == ["tapp"]
