"""Campaign creation for editors and committee viewers (within their subtree), and
the self-check questions of a document for editors."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import COMMITTEE_VIEWER, EDITOR
from handbook.app_db import get_db, session
from handbook.errors import Invalid
from handbook.params import Args
from handbook.policies import role_required
from handbook.study import campaigns, documents, quizzes
from handbook.study.blueprint import bp

MANAGERS = (EDITOR, COMMITTEE_VIEWER)


def _campaign_input() -> campaigns.CampaignInput:
    form, ids = request.form, Args(request.form).ids
    return campaigns.CampaignInput(
        title=form.get("tieu_de", "")[:400],
        description=form.get("mo_ta", "")[:6000],
        opens_on=form.get("ngay_mo", "")[:20],
        deadline=form.get("han", "")[:20],
        quiz_pass_mark=form.get("diem_dat", "")[:5],
        document_ids=ids("van_ban"),
        unit_ids=ids("don_vi"),
    )


@bp.get("/hoc-tap/quan-ly")
@role_required(*MANAGERS)
def manage():
    return render_template(
        "study/manage.html", campaigns=campaigns.managed_by(session(), current_permissions())
    )


def _campaign_form(form: campaigns.CampaignInput, problems: list) -> str:
    return render_template(
        "study/new_campaign.html",
        form=form,
        problems=problems,
        documents=campaigns.publishable_documents(session()),
        units=campaigns.assignable_units(session(), current_permissions()),
    )


@bp.route("/hoc-tap/quan-ly/dot-moi", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_campaign():
    # ?van_ban=<id> preselects a document (the editor's "open a campaign" link).
    form = campaigns.CampaignInput(document_ids=Args().ids("van_ban"))
    problems = []
    if request.method == "POST":
        form = _campaign_input()
        try:
            with get_db().transaction() as tx:
                created = campaigns.create(tx, web.actor(), current_permissions(), form)
        except Invalid as error:
            problems = error.problems
        else:
            flash(f"Đã mở đợt học tập “{created.title}”.", "info")
            return redirect(url_for("study.manage"))
    return _campaign_form(form, problems), 422 if problems else 200


def _add_question(document_id: int, form) -> None:
    with get_db().transaction() as tx:
        quizzes.add_question(
            tx,
            web.actor(),
            document_id,
            form.get("cau_hoi", "")[:2000],
            form.get("phuong_an", "")[:4000],
            form.get("dap_an", "")[:3],
        )


@bp.route("/hoc-tap/van-ban/<slug>/cau-hoi", methods=["GET", "POST"])
@role_required(EDITOR)
def questions(slug: str):
    doc, problems = documents.load(session(), slug), []
    if request.method == "POST":
        form = request.form
        try:
            _add_question(doc.id, form)
        except Invalid as error:
            problems = error.problems
        else:
            flash("Đã thêm câu hỏi.", "info")
            return redirect(url_for("study.questions", slug=slug))
    page = render_template(
        "study/questions.html", doc=doc, problems=problems, questions=quizzes.questions(session(), doc.id)
    )
    return page, 422 if problems else 200


@bp.post("/hoc-tap/van-ban/<slug>/cau-hoi/<int:question_id>/xoa")
@role_required(EDITOR)
def delete_question(slug: str, question_id: int):
    doc = documents.load(session(), slug)
    with get_db().transaction() as tx:
        quizzes.delete_question(tx, web.actor(), doc.id, question_id)
    flash("Đã xóa câu hỏi.", "info")
    return redirect(url_for("study.questions", slug=slug))


@bp.post("/hoc-tap/van-ban/<slug>/yeu-cau-hoc-lai")
@role_required(EDITOR)
def require_restudy(slug: str):
    with get_db().transaction() as tx:
        documents.require_restudy(tx, web.actor(), slug)
    flash("Đã yêu cầu đảng viên học lại phiên bản hiện hành của văn bản.", "info")
    return redirect(url_for("study.questions", slug=slug))
