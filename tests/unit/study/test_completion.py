"""Completion: read everything then confirm; a secretary may mark own-cell members."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook.accounts import principal
from handbook.accounts.models import AuditEvent
from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from handbook.errors import Invalid, NotFound
from handbook.study import completion, documents, quizzes
from tests import factories
from tests.unit.study.helpers import ACTOR, event, make_campaign, read_all, record

QD37 = "quy-dinh-37"


def confirm(app, user_id: int, slug: str = QD37):
    with app.app_context(), get_db(app).transaction() as tx:
        return completion.confirm(tx, user_id, slug)


@pytest.fixture
def secretary(app, tree):
    user = factories.make_user(app, "tran.thi.binh", cell=tree.cell_a, grants=((SECRETARY, tree.cell_a),))
    with app.app_context(), get_db(app).transaction() as tx:
        return user, principal.permissions_of(tx, user.id)


def test_confirming_before_reading_everything_is_refused(study, member):
    record(study, member.id, [event(QD37, "dieu-1-noi-lam-trai-cuong-linh", 100)])
    with pytest.raises(Invalid) as error:
        confirm(study, member.id)
    assert "chưa đọc" in error.value.problems[0].reason


def test_reading_fast_does_not_count(study, member):
    with study.app_context(), get_db(study).transaction() as tx:
        doc = documents.load(tx, QD37)
    record(study, member.id, [event(QD37, a, max(1, s - 1)) for a, s in doc.required.items() if s])
    with pytest.raises(Invalid):
        confirm(study, member.id)


def test_completion_is_set_once(study, member):
    read_all(study, member.id, QD37)
    first = confirm(study, member.id)
    again = confirm(study, member.id)
    assert (again.id, again.completed_at, again.method) == (first.id, first.completed_at, "self")


def test_secretary_marks_a_member_of_own_cell_with_audit(study, member, secretary):
    user, perms = secretary
    with study.app_context(), get_db(study).transaction() as tx:
        marked = completion.mark_for_member(tx, ACTOR, perms, member.id, QD37)
    assert (marked.method, marked.user_id) == ("secretary", member.id)
    with study.app_context(), get_db(study).transaction() as tx:
        audit = tx.scalars(select(AuditEvent).where(AuditEvent.action == "study.marked_complete"))
        assert [(a.target_id, a.details["document"]) for a in audit] == [(member.id, QD37)]


def test_secretary_cannot_mark_members_of_other_cells(study, other_member, secretary):
    _, perms = secretary
    for target in (other_member.id, 999_999, 0, -1):
        with pytest.raises(NotFound), study.app_context(), get_db(study).transaction() as tx:
            completion.mark_for_member(tx, ACTOR, perms, target, QD37)


def test_a_required_quiz_must_be_passed_first(study, tree, member):
    make_campaign(study, [tree.cell_a], [QD37], pass_mark=100)
    with study.app_context(), get_db(study).transaction() as tx:
        doc = documents.load(tx, QD37)
        question = quizzes.add_question(
            tx, ACTOR, doc.id, "Đảng viên có được nói trái Cương lĩnh?", "Có\nKhông", "2"
        )
    read_all(study, member.id, QD37)
    with pytest.raises(Invalid) as error:
        confirm(study, member.id)
    assert error.value.problems[0].field == "tu_kiem_tra"
    with study.app_context(), get_db(study).transaction() as tx:
        assert quizzes.grade(tx, member.id, doc, {question.id: 0}).score == 0
        assert quizzes.grade(tx, member.id, doc, {question.id: 1}).score == 100
    assert confirm(study, member.id).method == "self"


def test_quiz_questions_are_validated(study):
    with pytest.raises(Invalid) as error, study.app_context(), get_db(study).transaction() as tx:
        quizzes.add_question(tx, ACTOR, documents.load(tx, QD37).id, "?", "Một", "3")
    assert {p.field for p in error.value.problems} == {"cau_hoi", "phuong_an", "dap_an"}
