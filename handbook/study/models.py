"""Study tables: campaigns and whom they reach, reading events and what they credited,
completions, reflections, and the self-check quizzes.

An *edition* of a document is the number of its latest revision marked
"requires re-study" (0 when there is none). Section reads, completions and quiz
attempts belong to the edition they were made in, so a re-study starts from zero
while a minor edit keeps everything."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook.clock import utcnow
from handbook.db import Base


class Campaign(Base):
    """A study campaign (đợt học tập). `starts_at`/`ends_at` are the UTC instants of
    opens_on 00:00 and the end of the deadline day, Vietnam time."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    quiz_pass_mark: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    documents: Mapped[list[CampaignDocument]] = relationship(
        cascade="all, delete-orphan", order_by="CampaignDocument.position"
    )
    units: Mapped[list[CampaignUnit]] = relationship(cascade="all, delete-orphan")


class CampaignDocument(Base):
    __tablename__ = "campaign_documents"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class CampaignUnit(Base):
    """A unit whose members (in its whole subtree) must study the campaign."""

    __tablename__ = "campaign_units"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


class ReadingEvent(Base):
    """One measurement sent by a reader's device; the client's id makes resending harmless.
    It covers [starts_at, occurred_at] of the member's time line (see timeline.py); `flag`
    says why it was credited less than claimed, or refused, for the secretaries' review."""

    __tablename__ = "reading_events"
    __table_args__ = (
        UniqueConstraint("user_id", "client_event_id"),
        Index("ix_reading_events_user_occurred", "user_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_event_id: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    anchor: Mapped[str] = mapped_column(String(200))
    seconds: Mapped[int] = mapped_column(Integer)
    credited: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    flag: Mapped[str | None] = mapped_column(String(20))


class SectionRead(Base):
    """Seconds credited to one section; `read_at` is set once, when they first reach
    the section's minimum reading time, and never cleared."""

    __tablename__ = "section_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    edition: Mapped[int] = mapped_column(Integer, primary_key=True)
    anchor: Mapped[str] = mapped_column(String(200), primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    required_seconds: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Completion(Base):
    """A document studied by a member, in one edition; set once, never moved."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("user_id", "document_id", "edition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    edition: Mapped[int] = mapped_column(Integer, default=0)
    revision_id: Mapped[int] = mapped_column(ForeignKey("document_revisions.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    method: Mapped[str] = mapped_column(String(10))  # "self" | "secretary"
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Reflection(Base):
    """A member's written reflection (bài thu hoạch) on a campaign."""

    __tablename__ = "reflections"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QuizQuestion(Base):
    """A multiple-choice self-check question on a document, written by an editor."""

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list] = mapped_column(JSON)
    answer: Mapped[int] = mapped_column(Integer)  # index into choices
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_user_document", "user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    edition: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer)  # percent of questions answered right
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
