"""Revision history of a document and a readable diff between any two revisions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.content.models import Document, Revision
from handbook.errors import NotFound

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    """A run of text: kind is "same", "added" or "removed"."""

    kind: str
    text: str


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "changed"
    old_no: int | None
    new_no: int | None
    pieces: tuple[Piece, ...]


def revisions_of(session: Session, document: Document) -> list[Revision]:
    return list(
        session.scalars(
            select(Revision).where(Revision.document_id == document.id).order_by(Revision.number.desc())
        )
    )


def revision(session: Session, document: Document, number: int) -> Revision:
    found = session.scalar(
        select(Revision).where(Revision.document_id == document.id, Revision.number == number)
    )
    if found is None:
        raise NotFound(f"Không có phiên bản {number} của văn bản này.")
    return found


def diff(old: str, new: str) -> list[DiffLine]:
    """Line diff of two sources; a changed line pair is also diffed word by word.
    Pieces are plain text: templates escape them, nothing is rendered as HTML."""
    a, b = old.split("\n"), new.split("\n")
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [
                DiffLine("same", i + 1, j + 1, (Piece("same", a[i]),))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            ]
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            lines.append(DiffLine("changed", i1 + k + 1, j1 + k + 1, _word_diff(a[i1 + k], b[j1 + k])))
        lines += [DiffLine("removed", i + 1, None, (Piece("removed", a[i]),)) for i in range(i1 + paired, i2)]
        lines += [DiffLine("added", None, j + 1, (Piece("added", b[j]),)) for j in range(j1 + paired, j2)]
    return lines


def _word_diff(old: str, new: str) -> tuple[Piece, ...]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return tuple(pieces)


def changed_only(lines: list[DiffLine], context: int = 2) -> list[DiffLine | None]:
    """Keep changes and `context` lines around them; None marks skipped lines."""
    keep = set()
    for n, line in enumerate(lines):
        if line.kind != "same":
            keep.update(range(max(0, n - context), min(len(lines), n + context + 1)))
    shown: list[DiffLine | None] = []
    for n, line in enumerate(lines):
        if n in keep:
            shown.append(line)
        elif not shown or shown[-1] is not None:
            shown.append(None)
    return shown
