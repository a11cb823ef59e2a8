"""The authored library in content/ is valid, NFC and linked."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from handbook.content.importer import read_folder
from handbook.content.vocabulary import number_key

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture(scope="module")
def sources():
    found, problems = read_folder(CONTENT, 1024 * 1024)
    assert problems == []
    return found


def test_library_has_at_least_thirty_documents(sources):
    assert len(sources) >= 30


def test_every_file_is_nfc_on_disk():
    for path in CONTENT.glob("*.md"):
        assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8")), path.name


def test_a_replacement_chain_exists_inside_the_library(sources):
    numbers = {number_key(s.meta.number) for s in sources}
    replaced = [
        r
        for s in sources
        for r in s.meta.relations
        if r.kind == "replaces" and number_key(r.number) in numbers
    ]
    assert replaced


def test_every_document_is_structured_with_headings(sources):
    for source in sources:
        assert source.body.count("\n## ") + source.body.startswith("## ") >= 2, source.slug
