"""A member's study pages: "Học tập của tôi", the reading-progress endpoint, the
"Tôi đã học xong" confirmation, a campaign with its reflection, the self-check quiz."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from handbook.app_db import get_db, session
from handbook.errors import Forbidden, Invalid, NotFound, Problem, UnexpectedField
from handbook.limits import cap_body
from handbook.params import Args
from handbook.policies import member_required
from handbook.study import (
    campaigns,
    completion,
    documents,
    overview,
    quizzes,
    reading,
    reflections,
)
from handbook.study.blueprint import bp

MAX_BATCH_BYTES = 64 * 1024


@bp.get("/hoc-tap")
@member_required
def my_study():
    return render_template("study/my_study.html", view=overview.member_overview(session(), current_user.id))


@bp.get("/hoc-tap/tien-do")
@member_required
def progress_token():
    """A fresh CSRF token for a reading page left open longer than the token lives."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/hoc-tap/tien-do")
@member_required
def record_progress():
    _check_beacon()
    events = reading.parse_batch(request.get_json(silent=True))
    with get_db().transaction() as tx:
        answer = reading.sync(tx, current_user.id, events, cache=current_app.extensions["study.documents"])
    return jsonify(answer)


def _check_beacon() -> None:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden()
    if request.args:
        raise UnexpectedField("Không nhận tham số trên địa chỉ.")
    cap_body(MAX_BATCH_BYTES, Invalid([Problem("events", "Lô sự kiện quá lớn.")]))


@bp.post("/hoc-tap/van-ban/<slug>/hoc-xong")
@member_required
def confirm(slug: str):
    try:
        with get_db().transaction() as tx:
            completion.confirm(tx, current_user.id, slug)
    except Invalid as error:
        for problem in error.problems:
            flash(problem.reason, "error")
    else:
        flash("Đã ghi nhận: bạn đã học xong văn bản này.", "info")
    return redirect(url_for("content.document", slug=slug) + "#_hoc-tap")


@bp.get("/hoc-tap/dot/<int:campaign_id>")
@member_required
def campaign(campaign_id: int):
    found = campaigns.get(session(), campaign_id)
    if not campaigns.is_assigned(session(), current_user.id, found.id):
        raise NotFound("Không tìm thấy đợt học tập.")
    line = overview.campaign_line(session(), current_user.id, found)
    return render_template(
        "study/campaign.html",
        line=line,
        reflection=reflections.of_member(session(), current_user.id, found.id),
    )


@bp.post("/hoc-tap/dot/<int:campaign_id>/thu-hoach")
@member_required
def submit_reflection(campaign_id: int):
    try:
        with get_db().transaction() as tx:
            reflections.submit(tx, current_user.id, campaign_id, request.form.get("noi_dung", ""))
    except Invalid as error:
        flash(error.problems[0].reason, "error")
    else:
        flash("Đã lưu bài thu hoạch.", "info")
    return redirect(url_for("study.campaign", campaign_id=campaign_id) + "#thu-hoach")


def _grade(doc, asked, form: Args):
    """The attempt graded from the form's answers, and where the member now stands."""
    answers = {q.id: form.integer(f"cau_{q.id}", 0, 99) for q in asked}
    with get_db().transaction() as tx:
        return quizzes.grade(tx, current_user.id, doc, answers), quizzes.requirement(tx, current_user.id, doc)


@bp.route("/hoc-tap/van-ban/<slug>/tu-kiem-tra", methods=["GET", "POST"])
@member_required
def quiz(slug: str):
    doc = documents.load(session(), slug)
    asked = quizzes.questions(session(), doc.id)
    if not asked:
        raise NotFound("Văn bản này chưa có câu hỏi tự kiểm tra.")
    if request.method == "GET":
        attempt, requirement = None, quizzes.requirement(session(), current_user.id, doc)
    else:
        attempt, requirement = _grade(doc, asked, Args(request.form))
    return render_template(
        "study/quiz.html", doc=doc, questions=asked, attempt=attempt, requirement=requirement
    )


@bp.app_template_global("study_panel")
def study_panel(slug: str | None) -> completion.DocumentStatus | None:
    """The signed-in member's standing on a document, for the page around the cached article."""
    if not slug or not current_user.is_authenticated:
        return None
    found = documents.load_many(session(), {slug}, current_app.extensions["study.documents"])
    return completion.status(session(), current_user.id, found[slug]) if slug in found else None
