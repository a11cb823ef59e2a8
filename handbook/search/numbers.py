"""Document-number keys: `35-NQ/TW`, `35/NQ-TW`, `nq 35`, `NQ35`, `nghị quyết 35` meet on one key.

Each document is indexed under three kinds of key, and a query yields the keys
its digits could stand for; a key that matches nothing costs nothing:
  n:35-nq-tw       the full number, any separators
  a:35-nq          digits with the type abbreviation of the number
  t:35-nghi-quyet  digits with the document type in words
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handbook.search.analysis import folded_terms

_RUNS = re.compile(r"\d+|[^\W\d_]+")
_FILLERS = frozenset({"so"})  # "nghị quyết số 35"


def split_runs(terms: list[str]) -> list[str]:
    """`nq35` → `nq`, `35`: a glued abbreviation and number become two terms."""
    return [run for term in terms for run in _RUNS.findall(term)]


def _digits(term: str) -> str:
    """A run of decimal digits of any script, written in ASCII (`３５`, `٣٥` → `35`), else
    "". Decimal, as `\\d` in _RUNS: `²` passes isdigit(), yet int() refuses it."""
    return str(int(term)) if term.isdecimal() and len(term) <= 6 else ""


def document_keys(number: str, doc_type: str) -> list[str]:
    """The keys a document is found by; empty without a number."""
    parts = split_runs(folded_terms(number))
    if not parts or not _digits(parts[0]):
        return []
    digits = _digits(parts[0])
    keys = ["n:" + "-".join([digits, *parts[1:]])]
    abbreviation = next((p for p in parts[1:] if not p.isdecimal()), "")
    if abbreviation:
        keys.append(f"a:{digits}-{abbreviation}")
    type_words = folded_terms(doc_type)
    if type_words:
        keys.append("t:" + "-".join([digits, *type_words]))
    return keys


@dataclass(frozen=True)
class Reference:
    """A key the query may mean, and which query terms it covers."""

    key: str
    start: int
    end: int


def query_references(terms: list[str]) -> list[Reference]:
    """Every key the folded query terms could name, with the span of terms used."""
    refs: list[Reference] = []
    for i, term in enumerate(terms):
        digits = _digits(term)
        if not digits:
            continue
        for k in (1, 2, 3):
            if i + k < len(terms):
                refs.append(Reference("n:" + "-".join([digits, *terms[i + 1 : i + 1 + k]]), i, i + k + 1))
        if i + 1 < len(terms) and not terms[i + 1].isdecimal():
            refs.append(Reference(f"a:{digits}-{terms[i + 1]}", i, i + 2))
        before = i - 1 if i and terms[i - 1] in _FILLERS else i
        if before >= 1:
            refs.append(Reference(f"a:{digits}-{terms[before - 1]}", before - 1, i + 1))
        if before >= 2:
            words = "-".join(terms[before - 2 : before])
            refs.append(Reference(f"t:{digits}-{words}", before - 2, i + 1))
    return refs


def article_numbers(terms: list[str]) -> list[str]:
    """`điều 5` → the heading bigram `dieu 5` (folded)."""
    return [f"dieu {b}" for a, b in zip(terms, terms[1:], strict=False) if a == "dieu" and b.isdecimal()]
