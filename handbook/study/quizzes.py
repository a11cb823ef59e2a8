"""Self-check quizzes: multiple-choice questions per document written by editors,
graded attempts, and the pass mark a campaign may require before completion."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.clock import utcnow
from handbook.errors import Invalid, NotFound, Problem
from handbook.params import to_int
from handbook.study import campaigns
from handbook.study.documents import StudyDocument
from handbook.study.models import Campaign, CampaignDocument, QuizAttempt, QuizQuestion
from handbook.text import collapse_spaces, nfc

MAX_PROMPT, MAX_CHOICE = 1000, 300
MIN_CHOICES, MAX_CHOICES = 2, 6


@dataclass(frozen=True)
class Requirement:
    pass_mark: int | None  # None: no campaign of the member requires the quiz
    best_score: int | None
    available: bool = False  # the document has questions

    @property
    def satisfied(self) -> bool:
        return self.pass_mark is None or (self.best_score or 0) >= self.pass_mark


def questions(session: Session, document_id: int) -> list[QuizQuestion]:
    return list(
        session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.document_id == document_id)
            .order_by(QuizQuestion.position, QuizQuestion.id)
        )
    )


def add_question(
    tx: Session, actor: Actor, document_id: int, prompt: str, choices_text: str, answer: str
) -> QuizQuestion:
    """choices_text holds one choice per line; answer is the 1-based number of the right one."""
    prompt = collapse_spaces(nfc(prompt or ""))
    choices = [collapse_spaces(nfc(line)) for line in (choices_text or "").splitlines()]
    choices = [c for c in choices if c]
    problems = []
    if not 3 <= len(prompt) <= MAX_PROMPT:
        problems.append(Problem("cau_hoi", f"Câu hỏi dài 3–{MAX_PROMPT} ký tự."))
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES or any(len(c) > MAX_CHOICE for c in choices):
        problems.append(
            Problem(
                "phuong_an",
                f"Từ {MIN_CHOICES} đến {MAX_CHOICES} phương án, "
                f"mỗi dòng một phương án, tối đa {MAX_CHOICE} ký tự.",
            )
        )
    right = to_int((answer or "").strip(), 1, MAX_CHOICES) or 0
    if not 1 <= right <= len(choices):
        problems.append(Problem("dap_an", "Số thứ tự của phương án đúng không hợp lệ."))
    if problems:
        raise Invalid(problems)
    position = (
        tx.scalar(select(func.max(QuizQuestion.position)).where(QuizQuestion.document_id == document_id)) or 0
    ) + 1
    question = QuizQuestion(
        document_id=document_id,
        position=position,
        prompt=prompt,
        choices=choices,
        answer=right - 1,
        created_by=actor.user_id,
    )
    tx.add(question)
    tx.flush()
    audit.record(tx, actor, "study.question_added", "document", document_id, question=question.id)
    return question


def delete_question(tx: Session, actor: Actor, document_id: int, question_id: int) -> None:
    question = tx.get(QuizQuestion, question_id)
    if question is None or question.document_id != document_id:
        raise NotFound("Không tìm thấy câu hỏi.")
    tx.delete(question)
    audit.record(tx, actor, "study.question_deleted", "document", document_id, question=question_id)


def grade(tx: Session, user_id: int, doc: StudyDocument, answers: dict[int, int]) -> QuizAttempt:
    """answers: question id → chosen index. Unanswered questions count as wrong."""
    asked = questions(tx, doc.id)
    if not asked:
        raise NotFound("Văn bản này chưa có câu hỏi tự kiểm tra.")
    right = sum(1 for q in asked if answers.get(q.id) == q.answer)
    attempt = QuizAttempt(
        user_id=user_id, document_id=doc.id, edition=doc.edition, score=(100 * right) // len(asked)
    )
    tx.add(attempt)
    tx.flush()
    return attempt


def requirement_columns(user_id, doc_id, edition, now) -> tuple:
    """(has_questions, pass_mark, best_score) as scalar subqueries, so the document
    page can ask for them in the same query as the rest of the member's standing.
    pass_mark is the highest among the member's open campaigns holding the document."""
    has_questions = select(QuizQuestion.id).where(QuizQuestion.document_id == doc_id).exists()
    assigned = campaigns.assignments([user_id], now).subquery()
    pass_mark = (
        select(func.max(Campaign.quiz_pass_mark))
        .join(assigned, assigned.c.campaign_id == Campaign.id)
        .join(CampaignDocument, CampaignDocument.campaign_id == Campaign.id)
        .where(CampaignDocument.document_id == doc_id)
        .scalar_subquery()
    )
    best = (
        select(func.max(QuizAttempt.score))
        .where(
            QuizAttempt.user_id == user_id, QuizAttempt.document_id == doc_id, QuizAttempt.edition == edition
        )
        .scalar_subquery()
    )
    return (has_questions.label("has_questions"), pass_mark.label("pass_mark"), best.label("best_score"))


def params(user_id: int, doc: StudyDocument) -> dict:
    """Values of the bind parameters named below, for one member and document."""
    return {"user_id": user_id, "doc_id": doc.id, "edition": doc.edition, "now": utcnow()}


# Built once: the document page asks on every view.
BIND = tuple(bindparam(name) for name in ("user_id", "doc_id", "edition", "now"))
_REQUIREMENT = select(*requirement_columns(*BIND))


def requirement_of(row) -> Requirement:
    if not row.has_questions:
        return Requirement(None, None)
    return Requirement(row.pass_mark, row.best_score, available=True)


def requirement(session: Session, user_id: int, doc: StudyDocument) -> Requirement:
    return requirement_of(session.execute(_REQUIREMENT, params(user_id, doc)).one())
