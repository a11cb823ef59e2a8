"""The index schema, and one section entry turned into the fields Whoosh stores."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from handbook.search import analysis
from handbook.search.numbers import document_keys


@dataclass(frozen=True)
class Entry:
    """One searchable unit: a section of a published document (anchor "" = preamble)."""

    slug: str
    anchor: str
    position: int
    doc_title: str
    heading: str
    text: str
    number: str = ""
    doc_type: str = ""
    issuer: str = ""
    year: str = ""
    status: str = ""
    revision: int = 0

    @property
    def key(self) -> str:
        return f"{self.slug}#{self.anchor}"


def build_schema() -> Schema:
    folded = analysis.folded_analyzer
    return Schema(
        key=ID(unique=True, stored=True),
        slug=ID(stored=True, sortable=True),
        lead=ID(sortable=True),
        anchor=STORED(),
        position=STORED(),
        revision=STORED(),
        doc_title=STORED(),
        heading=STORED(),
        text=STORED(),
        number=STORED(),
        doc_type=ID(stored=True, sortable=True),
        issuer=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        status=ID(stored=True, sortable=True),
        # Everything about the section in one folded field: measured better than
        # separate title/heading/body fields whose BM25 scores are simply summed.
        all=TEXT(folded(), phrase=False),
        all2=TEXT(analysis.folded_bigram_analyzer(), phrase=False),
        head2=TEXT(analysis.folded_bigram_analyzer(), phrase=False),
        title=TEXT(folded(), phrase=False),
        title2=TEXT(analysis.folded_bigram_analyzer(), phrase=False),
        tone=TEXT(analysis.tone_analyzer(), phrase=True),
        tone2=TEXT(analysis.tone_bigram_analyzer(), phrase=False),
        numkey=KEYWORD(),
        spell=TEXT(analysis.spelling_analyzer(), phrase=False),
    )


def entry_fields(entry: Entry) -> dict:
    label = f"{entry.doc_type} {entry.number}".strip()
    title = f"{label}\n{entry.doc_title}".strip()
    heading = entry.heading if entry.anchor else ""
    everything = "\n".join(part for part in (title, entry.issuer, heading, entry.text) if part)
    body = f"{heading}\n{entry.text}"
    return {
        "key": entry.key,
        "slug": entry.slug,
        "lead": "1" if entry.position == 0 else "0",
        "anchor": entry.anchor,
        "position": entry.position,
        "revision": entry.revision,
        "doc_title": entry.doc_title,
        "heading": entry.heading,
        "text": entry.text,
        "number": entry.number,
        "doc_type": entry.doc_type,
        "issuer": entry.issuer,
        "year": entry.year,
        "status": entry.status,
        "all": everything,
        "all2": everything,
        "head2": heading,
        "title": title,
        "title2": entry.doc_title,
        "tone": body,
        "tone2": body,
        "numkey": " ".join(document_keys(entry.number, entry.doc_type)),
        "spell": everything,
    }
