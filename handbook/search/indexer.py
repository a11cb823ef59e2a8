"""Writing the index: full rebuild into a new generation, one-document updates, checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index

from handbook.content import library, versioning
from handbook.content.models import Document, Revision
from handbook.fsutil import disk_space
from handbook.search import storage
from handbook.search.schema import Entry, build_schema, entry_fields

WRITE_TIMEOUT = 10.0
WHAT = "chỉ mục tìm kiếm"


def entries_for_document(document: Document, status: str | None = None) -> list[Entry]:
    """The index entries of a published document; none for any other state. `status`:
    its effect status as readers see it (library.statuses), its own by default."""
    revision = document.current_revision
    if not document.is_published or revision is None:
        return []
    year = str(document.issued_on.year) if document.issued_on else ""
    return [
        Entry(
            slug=document.slug,
            anchor=section.anchor,
            position=section.position,
            doc_title=document.title,
            heading=section.heading,
            text=section.text,
            number=document.number,
            doc_type=document.doc_type,
            issuer=document.issuer,
            year=year,
            status=status or document.effect_status,
            revision=revision.id,
        )
        for section in revision.sections
    ]


def published_entries(session: Session, slugs: list[str] | None = None) -> list[Entry]:
    """The entries of every published document (or of `slugs`), labelled as readers
    see them: a document another one replaces is "replaced"."""
    labels = library.statuses(session, slugs)
    documents = (
        published_documents(session)
        if slugs is None
        else [d for slug in slugs for d in published_documents(session, slug)]
    )
    return [e for d in documents for e in entries_for_document(d, labels.get(d.slug))]


def published_documents(session: Session, slug: str | None = None) -> list[Document]:
    stmt = (
        select(Document)
        .where(Document.state == "published")
        .options(selectinload(Document.current_revision).selectinload(Revision.sections))
        .order_by(Document.slug)
    )
    if slug is not None:
        stmt = stmt.where(Document.slug == slug)
    return list(session.scalars(stmt))


def build(root: Path, entries: Iterable[Entry], timeout: float = WRITE_TIMEOUT, **meta) -> Path:
    """Index `entries` into a fresh generation and swap it in; returns its path."""
    with storage.writer_lock(root, timeout):
        return build_unlocked(root, entries, **meta)


def build_unlocked(root: Path, entries: Iterable[Entry], **meta) -> Path:
    """Raises StorageFull when the disk fills up: the half-built generation is removed
    and the live one stays live."""
    with disk_space(WHAT):
        generation = storage.new_generation(root)
        try:
            ix = whoosh_index.create_in(str(generation), build_schema())
            writer = ix.writer(limitmb=128)
            count = 0
            for entry in entries:
                writer.add_document(**entry_fields(entry))
                count += 1
            writer.commit()
            storage.write_meta(generation, entries=count, **meta)
            storage.swap_in(root, generation)
        except BaseException:
            if storage.current_name(root) != generation.name:
                storage.discard(generation)
            raise
    return generation


def rebuild(session: Session, root: Path, timeout: float = WRITE_TIMEOUT) -> int:
    """Rebuild from every published document; returns the number of entries."""
    with storage.writer_lock(root, timeout):
        return rebuild_unlocked(session, root)


def rebuild_unlocked(session: Session, root: Path) -> int:
    """Rebuild with the writer lock already held. The content version is read before the
    documents, so the one recorded in meta.json never claims more than was indexed."""
    stamp = versioning.stamp(session)
    entries = published_entries(session)
    build_unlocked(root, entries, content_version=stamp)
    return len(entries)


def update_document(
    session: Session, root: Path, slug: str, timeout: float = WRITE_TIMEOUT, related: Iterable[str] = ()
) -> int:
    """Bring one document's entries in step with the database (the editor calls this
    after publishing or unpublishing), with those of `related` documents whose label
    follows it (the ones it replaces). Falls back to a full rebuild when there is no
    index yet or it was built by another analyzer version. Returns entries written."""
    slugs = sorted({slug, *related})
    with storage.writer_lock(root, timeout):
        generation = storage.current_dir(root)
        if generation is None or not storage.is_current_version(generation):
            rebuild_unlocked(session, root)
            return len(published_entries(session, slugs))
        return update_unlocked(session, generation, slugs, timeout)


def update_unlocked(
    session: Session, generation: Path, slugs: Iterable[str], timeout: float = WRITE_TIMEOUT
) -> int:
    """Replace the entries of `slugs` in `generation` by their published state, in one
    commit (readers see all of them change at once). The writer lock must be held.
    Raises StorageFull when the disk fills up: the commit's table of contents is
    replaced last, so readers keep the entries as they were."""
    slugs = sorted(set(slugs))
    entries = published_entries(session, slugs)
    with disk_space(WHAT):
        ix = whoosh_index.open_dir(str(generation))
        writer = ix.writer(timeout=timeout)
        try:
            for slug in slugs:
                writer.delete_by_term("slug", slug)
            for entry in entries:
                writer.add_document(**entry_fields(entry))
            # Merging drops a removed document's words from the term list too, so a
            # withdrawn text cannot surface in spelling suggestions or completions.
            writer.commit(optimize=len({e.slug for e in entries}) < len(slugs))
        except BaseException:
            _cancel(writer)
            raise
    return len(entries)


def _cancel(writer) -> None:
    """Give up a writer, failed commit included, so that Whoosh's own lock on the
    generation is released for the next writer."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:  # the commit failed half-way; its files are only left to close
        writer._finish()


def published_states(session: Session) -> dict[str, tuple[int, str]]:
    """slug → (current revision id, status as readers see it) of every published
    document (no sections loaded)."""
    labels = library.statuses(session)
    rows = session.execute(
        select(Document.slug, Document.current_revision_id).where(Document.state == "published")
    )
    return {slug: (revision, labels[slug]) for slug, revision in rows if revision is not None}


def indexed_states(generation: Path) -> dict[str, set[tuple[int, str]]]:
    """slug → the (revision id, status) pairs its entries in `generation` hold."""
    indexed: dict[str, set[tuple[int, str]]] = {}
    if storage.is_damaged(generation):  # a reader failed on it; its lists prove nothing
        raise OSError(f"marked unreadable: {(generation / storage.DAMAGED).read_text().strip()}")
    ix = storage.open_index(generation)
    try:
        searcher = ix.searcher()
    except BaseException:
        storage.release(ix)
        raise
    with searcher:
        for stored in searcher.all_stored_fields():
            indexed.setdefault(stored["slug"], set()).add((stored["revision"], stored["status"]))
    return indexed


@dataclass
class IndexReport:
    generation: str | None
    version_ok: bool
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # queries the index could not answer
    unreadable: str = ""  # why the live generation's files could not be read, if so

    @property
    def ok(self) -> bool:
        return (
            self.generation is not None
            and self.version_ok
            and not (self.missing or self.stale or self.unexpected or self.failures or self.unreadable)
        )


def check(session: Session, root: Path) -> IndexReport:
    """Compare the live index with the published documents of the database."""
    generation = storage.current_dir(root)
    if generation is None or not generation.is_dir():
        return IndexReport(None, False, missing=sorted(published_states(session)))
    report = IndexReport(generation.name, storage.is_current_version(generation))
    try:
        indexed = indexed_states(generation)
    except storage.UNREADABLE as exc:  # reported, so that reindex --if-needed rebuilds it
        report.unreadable = storage.describe(exc)
        return report
    report.missing, report.stale, report.unexpected = differences(indexed, published_states(session))
    return report


def differences(
    indexed: dict[str, set], expected: dict[str, tuple[int, str]]
) -> tuple[list[str], list[str], list[str]]:
    """Slugs published but not indexed, indexed at another revision or status, indexed
    but not published (the index may hold several revisions of a slug after a crash)."""
    missing = sorted(set(expected) - set(indexed))
    stale = sorted(s for s, rev in expected.items() if s in indexed and indexed[s] != {rev})
    unexpected = sorted(set(indexed) - set(expected))
    return missing, stale, unexpected
