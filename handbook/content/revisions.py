"""Saving a source as a new revision: render once, mirror metadata onto the document."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook.clock import utcnow
from handbook.content import versioning
from handbook.content.models import Document, DocumentTag, Relation, Revision, Section
from handbook.content.render import Rendered, render
from handbook.content.source import DocumentMeta, SourceDocument, parse_source
from handbook.content.vocabulary import number_key
from handbook.errors import Invalid, Problem


def save_revision(
    session: Session, source: SourceDocument, *, author: str, note: str = "", requires_restudy: bool = False
) -> Revision:
    """Create the document if new, append a revision and make it current.

    Raises Invalid, changing nothing, when the number belongs to another document or
    the body does not render in time (render.RENDER_SECONDS)."""
    document = session.scalar(select(Document).where(Document.slug == source.slug))
    _check_number_free(session, source, document)
    rendered = _render(source)  # refusals come before anything in the session changes
    if document is None:
        document = Document(slug=source.slug, state="published")
        session.add(document)
    _apply_meta(document, source.meta)
    revision = _new_revision(session, document, source, rendered, author, note, requires_restudy)
    document.current_revision = revision
    document.updated_at = utcnow()
    versioning.bump(session)
    session.flush()
    return revision


def make_current(session: Session, document: Document, revision: Revision) -> None:
    """Serve an existing revision again: its metadata is mirrored back onto the document."""
    source = parse_source(document.slug, revision.source)
    _apply_meta(document, source.meta)
    document.current_revision = revision
    document.updated_at = utcnow()
    versioning.bump(session)
    session.flush()


def _check_number_free(session: Session, source: SourceDocument, document: Document | None) -> None:
    owner = session.scalar(select(Document.slug).where(Document.number_key == number_key(source.meta.number)))
    if owner and (document is None or owner != document.slug):
        raise Invalid([Problem("so_hieu", f"số hiệu đã thuộc văn bản '{owner}'", f"{source.slug}.md")])


def _apply_meta(document: Document, meta: DocumentMeta) -> None:
    document.number = meta.number
    document.number_key = number_key(meta.number)
    document.title = meta.title
    document.doc_type = meta.doc_type
    document.issuer = meta.issuer
    document.issued_on = meta.issued_on
    document.effective_on = meta.effective_on
    document.term = meta.term
    document.summary = meta.summary
    document.effect_status = meta.effect_status
    document.tags = [DocumentTag(tag=tag, position=i) for i, tag in enumerate(meta.tags)]
    document.relations = [
        Relation(kind=r.kind, target_number=r.number, target_key=number_key(r.number), position=i)
        for i, r in enumerate(meta.relations)
    ]


def _render(source: SourceDocument) -> Rendered:
    try:
        return render(source.body, source.meta.title)
    except Invalid as error:  # too slow or too deeply nested: say which file
        origin = f"{source.slug}.md"
        raise Invalid([replace(p, source=p.source or origin) for p in error.problems]) from None


def _new_revision(
    session: Session,
    document: Document,
    source: SourceDocument,
    rendered: Rendered,
    author: str,
    note: str,
    requires_restudy: bool,
) -> Revision:
    last = 0
    if document.id is not None:
        last = (
            session.scalar(select(func.max(Revision.number)).where(Revision.document_id == document.id)) or 0
        )
    revision = Revision(
        document=document,
        number=last + 1,
        source=source.text,
        source_hash=source.text_hash,
        html=rendered.html,
        toc=rendered.toc,
        word_count=rendered.word_count,
        requires_restudy=requires_restudy,
        note=note,
        author=author,
        sections=[
            Section(
                position=i,
                anchor=s.anchor,
                heading=s.heading,
                level=s.level,
                text=s.text,
                word_count=s.word_count,
            )
            for i, s in enumerate(rendered.sections)
        ],
    )
    session.add(revision)
    return revision
