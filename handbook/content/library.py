"""Read side of the library: filtered listings, facets and one document with its links."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, case, extract, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from handbook.content.models import Document, Relation
from handbook.content.vocabulary import EFFECT_STATUSES, RELATION_KINDS
from handbook.errors import NotFound

SORTS = {
    "moi-nhat": (Document.issued_on.desc(), Document.id.desc()),
    "cu-nhat": (Document.issued_on.asc(), Document.id.asc()),
    "tieu-de": (Document.title.asc(),),
    "so-hieu": (Document.number_key.asc(),),
}
DEFAULT_SORT = "moi-nhat"
REPLACED = "replaced"


@dataclass(frozen=True)
class LibraryQuery:
    doc_type: str | None = None
    issuer: str | None = None
    year: int | None = None
    status: str | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 20


@dataclass
class LibraryPage:
    documents: list[Document]
    total: int
    page: int
    per_page: int
    statuses: dict[int, str] = field(default_factory=dict)  # document id → effect status

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Facets:
    doc_types: list[str]
    issuers: list[str]
    years: list[int]
    statuses: dict[str, str]


@dataclass(frozen=True)
class LinkedDocument:
    label: str
    number: str
    document: Document | None


@dataclass
class DocumentView:
    document: Document
    links: list[LinkedDocument] = field(default_factory=list)
    replaced_by: list[Document] = field(default_factory=list)

    @property
    def status(self) -> str:
        return REPLACED if self.replaced_by else self.document.effect_status


def published() -> Select:
    return select(Document).where(Document.state == "published")


def effect_status() -> ColumnElement[str]:
    """A document's effect status as readers see it: "replaced" once a published
    document says it replaces it, whatever its own front matter still says."""
    source = aliased(Document)
    replaced_keys = (
        select(Relation.target_key)
        .join(source, source.id == Relation.document_id)
        .where(Relation.kind == "replaces", source.state == "published")
    )
    return case((Document.number_key.in_(replaced_keys), REPLACED), else_=Document.effect_status)


def statuses(session: Session, slugs: list[str] | None = None) -> dict[str, str]:
    """slug → effect status as readers see it (effect_status()), of published documents."""
    stmt = select(Document.slug, effect_status()).where(Document.state == "published")
    if slugs is not None:
        stmt = stmt.where(Document.slug.in_(slugs))
    return dict(session.execute(stmt).all())


def replaced_slugs(session: Session, slug: str) -> set[str]:
    """Slugs of the documents that `slug`'s current metadata says it replaces: their
    status as readers see it follows this document's state."""
    targets = (
        select(Relation.target_key)
        .join(Document, Document.id == Relation.document_id)
        .where(Document.slug == slug, Relation.kind == "replaces")
    )
    return set(session.scalars(select(Document.slug).where(Document.number_key.in_(targets))))


def list_documents(session: Session, query: LibraryQuery) -> LibraryPage:
    stmt = published()
    if query.doc_type:
        stmt = stmt.where(Document.doc_type == query.doc_type)
    if query.issuer:
        stmt = stmt.where(Document.issuer == query.issuer)
    if query.year:
        stmt = stmt.where(extract("year", Document.issued_on) == query.year)
    status = effect_status()
    if query.status:
        stmt = stmt.where(status == query.status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = session.execute(
        stmt.add_columns(status.label("status"))
        .order_by(*SORTS.get(query.sort, SORTS[DEFAULT_SORT]))
        .offset((query.page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    return LibraryPage(
        [doc for doc, _ in rows],
        total or 0,
        query.page,
        query.per_page,
        {doc.id: found for doc, found in rows},
    )


def facets(session: Session) -> Facets:
    year = extract("year", Document.issued_on)

    def values(column, *order) -> list:
        stmt = select(column).where(Document.state == "published").distinct()
        return list(session.scalars(stmt.order_by(*(order or (column,)))))

    return Facets(
        doc_types=values(Document.doc_type),
        issuers=values(Document.issuer),
        years=[int(y) for y in values(year, year.desc())],
        statuses=dict(EFFECT_STATUSES),
    )


def readable() -> Select:
    """Published documents, and archived ones: still readable by link, never listed."""
    return select(Document).where(Document.state.in_(("published", "archived")))


def get_document(session: Session, slug: str) -> DocumentView:
    """A readable document with its relations resolved both ways; NotFound otherwise
    (drafts included)."""
    document = session.scalar(
        readable()
        .where(Document.slug == slug)
        .options(
            selectinload(Document.current_revision),
            selectinload(Document.relations),
            selectinload(Document.tags),
        )
    )
    if document is None or document.current_revision is None:
        raise NotFound("Không tìm thấy văn bản này.")
    view = DocumentView(document)
    targets = _published_by_key(session, [r.target_key for r in document.relations])
    for relation in document.relations:
        label = RELATION_KINDS[relation.kind][0]
        view.links.append(LinkedDocument(label, relation.target_number, targets.get(relation.target_key)))
    for relation, source in _incoming(session, document):
        view.links.append(LinkedDocument(RELATION_KINDS[relation.kind][1], source.number, source))
        if relation.kind == "replaces":
            view.replaced_by.append(source)
    return view


def _published_by_key(session: Session, keys: list[str]) -> dict[str, Document]:
    if not keys:
        return {}
    rows = session.scalars(published().where(Document.number_key.in_(keys)))
    return {d.number_key: d for d in rows}


def _incoming(session: Session, document: Document) -> list[tuple[Relation, Document]]:
    rows = session.execute(
        select(Relation, Document)
        .join(Document, Document.id == Relation.document_id)
        .where(Relation.target_key == document.number_key, Document.state == "published")
        .order_by(Document.issued_on.desc())
    )
    return [(relation, source) for relation, source in rows]
