"""Digits outside ASCII in queries: decimal ones of any script read as the number,
others (superscripts) are text, and none crashes the parser."""

from __future__ import annotations

import pytest

from handbook.search import query
from handbook.search.numbers import document_keys


@pytest.mark.parametrize("typed", ["３５-NQ/TW", "٣٥-NQ/TW", "nq ３５"])
def test_decimal_digits_of_any_script_meet_the_document_key(typed):
    keys = {ref.key for ref in query.parse(typed).refs}
    assert keys & set(document_keys("35-NQ/TW", "Nghị quyết"))


@pytest.mark.parametrize("typed", ["²", "¹⁰", "NQ²", "điều ²", "²²²²²²"])
def test_superscripts_are_text_not_numbers(typed):
    parsed = query.parse(typed)
    assert not parsed.empty and not parsed.refs and not parsed.articles
