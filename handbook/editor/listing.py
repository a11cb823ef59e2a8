"""The editor's list of documents in every state, with filters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from handbook.content.models import Document
from handbook.editor.workflow import ARCHIVED, DRAFT, PUBLISHED

# URL value → (label, condition)
FILTERS = {
    "nhap": ("Bản nháp", Document.state == DRAFT),
    "hen-gio": ("Hẹn giờ xuất bản", (Document.state == DRAFT) & Document.publish_at.is_not(None)),
    "xuat-ban": ("Đã xuất bản", Document.state == PUBLISHED),
    "luu-tru": ("Đã lưu trữ", Document.state == ARCHIVED),
}


@dataclass(frozen=True)
class ListQuery:
    state: str | None = None  # a FILTERS key
    text: str = ""  # part of the number or the title
    limit: int = 200


def list_documents(session: Session, query: ListQuery) -> list[Document]:
    stmt = select(Document)
    if query.state in FILTERS:
        stmt = stmt.where(FILTERS[query.state][1])
    if query.text:
        stmt = stmt.where(
            or_(
                Document.number.icontains(query.text, autoescape=True),
                Document.title.icontains(query.text, autoescape=True),
            )
        )
    return list(
        session.scalars(stmt.order_by(Document.updated_at.desc(), Document.id.desc()).limit(query.limit))
    )


def numbers(session: Session) -> list[tuple[str, str]]:
    """(number, title) of every document, for choosing relation targets by number."""
    rows = session.execute(select(Document.number, Document.title).order_by(Document.number_key))
    return [(number, title) for number, title in rows]
