"""Document numbers and article references in queries."""

from __future__ import annotations

import pytest

from handbook.search.analysis import folded_terms
from handbook.search.numbers import article_numbers, document_keys, query_references, split_runs


def keys_of(query: str) -> set[str]:
    return {ref.key for ref in query_references(split_runs(folded_terms(query)))}


def test_document_keys():
    assert document_keys("35-NQ/TW", "Nghị quyết") == ["n:35-nq-tw", "a:35-nq", "t:35-nghi-quyet"]
    assert document_keys("08-QĐi/TW", "Quy định") == ["n:8-qdi-tw", "a:8-qdi", "t:8-quy-dinh"]
    assert document_keys("63/2010/NĐ-CP", "Nghị định")[:2] == ["n:63-2010-nd-cp", "a:63-nd"]
    assert document_keys("", "Nghị quyết") == []


@pytest.mark.parametrize(
    "query",
    ["35-NQ/TW", "35/NQ-TW", "nq 35", "nghị quyết 35", "NQ35", "nghi quyet so 35", "Nghị quyết số 35-NQ/TW"],
)
def test_every_written_form_meets_a_document_key(query):
    assert keys_of(query) & set(document_keys("35-NQ/TW", "Nghị quyết"))


def test_article_numbers():
    assert article_numbers(folded_terms("điều 5 quy định 85")) == ["dieu 5"]
    assert article_numbers(folded_terms("dieu le dang")) == []
