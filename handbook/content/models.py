"""Documents, their revisions and sections, and relations between documents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.clock import utcnow
from handbook.db import Base


class Document(Base):
    """A document of the library; its metadata mirrors the current revision."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    number: Mapped[str] = mapped_column(String(60))
    number_key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    issuer: Mapped[str] = mapped_column(String(80), index=True)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    effective_on: Mapped[date | None] = mapped_column(Date)
    term: Mapped[str | None] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    effect_status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(20), default="published", index=True)
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who scheduled publish_at: the scheduler publishes in their name.
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Hash of the text the content folder and the database last agreed on: the import
    # tells a file changed since then from a document edited in the application.
    synced_hash: Mapped[str | None] = mapped_column(String(64))
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    revisions: Mapped[list[Revision]] = relationship(
        back_populates="document",
        foreign_keys="Revision.document_id",
        order_by="Revision.number",
    )
    current_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    tags: Mapped[list[DocumentTag]] = relationship(
        cascade="all, delete-orphan", order_by="DocumentTag.position"
    )
    relations: Mapped[list[Relation]] = relationship(
        cascade="all, delete-orphan", order_by="Relation.position"
    )

    @property
    def is_published(self) -> bool:
        return self.state == "published"


class Revision(Base):
    """One saved version: the full Markdown source and its rendering, made once."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list] = mapped_column(JSON)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    requires_restudy: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    author: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document: Mapped[Document] = relationship(back_populates="revisions", foreign_keys=[document_id])
    sections: Mapped[list[Section]] = relationship(cascade="all, delete-orphan", order_by="Section.position")


class Section(Base):
    """A heading and the text under it; the anchor is the stable key for links and progress."""

    __tablename__ = "document_sections"
    __table_args__ = (UniqueConstraint("revision_id", "anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("document_revisions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(String(200))
    heading: Mapped[str] = mapped_column(String(500))
    level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)


class DocumentTag(Base):
    __tablename__ = "document_tags"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Relation(Base):
    """This document → another, by number; the target may not be in the library yet."""

    __tablename__ = "document_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_number: Mapped[str] = mapped_column(String(60))
    target_key: Mapped[str] = mapped_column(String(60), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContentVersion(Base):
    """One row counting changes to published content; caches and index replicas follow it."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
