"""Completion of a document: the member's own confirmation once every section is read
(and the campaign's quiz passed), or a secretary's mark for a member of their cell.

A completion belongs to the edition it was made in and is written with
ON CONFLICT DO NOTHING: confirming twice, or a secretary marking after the
member confirmed, leaves the first record untouched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, literal, select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, User
from handbook.accounts.permissions import Permissions
from handbook.accounts.vocabulary import CELL_ROLES
from handbook.clock import utcnow
from handbook.content.models import Document
from handbook.errors import Invalid, NotFound, Problem
from handbook.study import documents, progress, quizzes, sql
from handbook.study.documents import StudyDocument
from handbook.study.models import Completion, SectionRead
from handbook.study.quizzes import Requirement

SELF, SECRETARY = "self", "secretary"


@dataclass(frozen=True)
class DocumentStatus:
    """A member's standing on one document, as the document page shows it."""

    document: StudyDocument
    read_anchors: frozenset[str]
    completion: Completion | None
    quiz: Requirement

    @property
    def read(self) -> progress.Ratio:
        return progress.Ratio(len(self.read_anchors), len(self.document.to_read))

    @property
    def eligible(self) -> bool:
        return self.completion is None and self.read.done >= self.read.total and self.quiz.satisfied


_CURRENT = select(Completion).where(
    Completion.user_id == bindparam("user_id"),
    Completion.document_id == bindparam("doc_id"),
    Completion.edition == bindparam("edition"),
)


def current_completion(session: Session, user_id: int, doc: StudyDocument) -> Completion | None:
    return session.scalar(_CURRENT, {"user_id": user_id, "doc_id": doc.id, "edition": doc.edition})


def _status_statement():
    """Everything the document page shows of a member's standing, in one query: one
    row per section read (at least one row, with anchor NULL when none is)."""
    user_id, doc_id, edition, now = quizzes.BIND
    done = (
        select(Completion.id)
        .where(Completion.user_id == user_id, Completion.document_id == doc_id, Completion.edition == edition)
        .scalar_subquery()
    )
    one_row = select(literal(1).label("one")).subquery()
    return (
        select(
            SectionRead.anchor,
            done.label("completion_id"),
            *quizzes.requirement_columns(user_id, doc_id, edition, now),
        )
        .select_from(one_row)
        .outerjoin(
            SectionRead,
            and_(
                SectionRead.user_id == user_id,
                SectionRead.document_id == doc_id,
                SectionRead.edition == edition,
                SectionRead.read_at.is_not(None),
            ),
        )
    )


_STATUS = _status_statement()


def status(session: Session, user_id: int, doc: StudyDocument) -> DocumentStatus:
    rows = session.connection().execute(_STATUS, quizzes.params(user_id, doc)).all()
    first = rows[0]
    # Sections since dropped from the document do not count.
    read = frozenset(row.anchor for row in rows if row.anchor is not None) & doc.to_read
    done = session.get(Completion, first.completion_id) if first.completion_id else None
    return DocumentStatus(doc, read, done, quizzes.requirement_of(first))


def _record(
    tx: Session, user_id: int, doc: StudyDocument, method: str, marked_by: int | None, now: datetime
) -> tuple[Completion, bool]:
    """(the completion of this edition, whether this call created it)."""
    stmt = (
        sql.insert(tx, Completion)
        .values(
            user_id=user_id,
            document_id=doc.id,
            edition=doc.edition,
            revision_id=doc.revision_id,
            completed_at=now,
            method=method,
            marked_by=marked_by,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "document_id", "edition"])
        .returning(Completion.id)
    )
    created = tx.scalar(stmt) is not None
    return current_completion(tx, user_id, doc), created


def confirm(tx: Session, user_id: int, slug: str, now: datetime | None = None) -> Completion:
    """The member says "Tôi đã học xong". Raises Invalid while sections are unread or
    a required quiz is not passed; returns the existing record if already complete."""
    doc = documents.load(tx, slug)
    state = status(tx, user_id, doc)
    if state.completion is not None:
        return state.completion
    problems = []
    if state.read.done < state.read.total:
        unread = state.read.total - state.read.done
        problems.append(Problem("van_ban", f"Bạn còn {unread} mục chưa đọc đủ thời gian."))
    if not state.quiz.satisfied:
        problems.append(
            Problem(
                "tu_kiem_tra", f"Cần đạt ít nhất {state.quiz.pass_mark}% bài tự kiểm tra trước khi xác nhận."
            )
        )
    if problems:
        raise Invalid(problems)
    return _record(tx, user_id, doc, SELF, None, now or utcnow())[0]


def secretary_cells(perms: Permissions) -> set[int]:
    return {g.unit_id for g in perms.grants if g.role in CELL_ROLES and g.unit_id}


def member_of_my_cell(session: Session, perms: Permissions, member_id: int) -> User:
    """The member if they are now in a cell where perms holds a cell role; NotFound
    otherwise, exactly as for ids that do not exist."""
    cell = (
        session.scalar(
            select(Membership.unit_id).where(Membership.user_id == member_id, Membership.ended_at.is_(None))
        )
        if 0 < member_id < 2**31
        else None
    )
    if cell is None or cell not in secretary_cells(perms):
        raise NotFound("Không tìm thấy đảng viên.")
    return session.get(User, member_id)


def mark_for_member(
    tx: Session, actor: Actor, perms: Permissions, member_id: int, slug: str, now: datetime | None = None
) -> Completion:
    """A secretary records that a member of their cell studied the document at the
    cell meeting. Who and when are kept on the record and in the audit log."""
    member = member_of_my_cell(tx, perms, member_id)
    doc = documents.load(tx, slug)
    completion, created = _record(tx, member.id, doc, SECRETARY, actor.user_id, now or utcnow())
    if created:
        audit.record(
            tx, actor, "study.marked_complete", "user", member.id, document=slug, edition=doc.edition
        )
    return completion


@dataclass(frozen=True)
class HistoryEntry:
    completion: Completion
    slug: str
    title: str
    valid: bool


def history(session: Session, user_id: int) -> list[HistoryEntry]:
    """Every completion of the member, newest first; `valid` False once re-study is due."""
    current = {row.document_id: row.edition for row in session.execute(documents.editions())}
    rows = session.execute(
        select(Completion, Document.slug, Document.title)
        .join(Document, Document.id == Completion.document_id)
        .where(Completion.user_id == user_id)
        .order_by(Completion.completed_at.desc(), Completion.id.desc())
    )
    return [HistoryEntry(c, slug, title, current.get(c.document_id) == c.edition) for c, slug, title in rows]
