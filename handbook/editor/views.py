"""Editor pages under /bien-tap: thin adapters over the editor services."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import ADMIN, EDITOR
from handbook.app_db import get_db, session
from handbook.content import vocabulary
from handbook.content.render import render
from handbook.editor import history, listing, params, publishing, workflow
from handbook.editor.drafting import FIELD_LABELS, EditorForm, from_document
from handbook.errors import Conflict, Invalid, Problem
from handbook.params import Args
from handbook.policies import role_required

bp = Blueprint("editor", __name__, url_prefix="/bien-tap")
EDITORS = (EDITOR, ADMIN)
DONE = {
    "luu-nhap": "Đã lưu bản nháp.",
    "xuat-ban": "Đã xuất bản văn bản.",
    "hen-gio": "Đã hẹn giờ xuất bản.",
    "luu-tru": "Đã lưu trữ văn bản.",
}
BODY_ENDPOINTS = {"editor.new", "editor.edit", "editor.preview"}
_FORM_SLACK = 64 * 1024  # the form's other fields, multipart boundaries and headers


@bp.record_once
def _install_body_limit(state) -> None:
    # First in line: the CSRF check parses the body before any view or blueprint hook runs.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _raise_limits_for_editors)


def _raise_limits_for_editors() -> None:
    """An editor's form may carry a whole document up to MARKDOWN_MAX_BYTES, which
    url-encoding makes up to three times larger (multipart keeps it as is), so that a
    body over the limit meets _check_body_size's words, not a bare 413. Everyone
    else keeps the app's limits."""
    if request.endpoint in BODY_ENDPOINTS and current_permissions().has_any(EDITORS):
        body = current_app.config["MARKDOWN_MAX_BYTES"]
        request.max_content_length = max(
            current_app.config["MAX_CONTENT_LENGTH"] or 0, 3 * body + _FORM_SLACK
        )
        request.max_form_memory_size = body + _FORM_SLACK


@bp.context_processor
def _vocabularies() -> dict:
    return {
        "doc_types": vocabulary.DOC_TYPES,
        "issuers": vocabulary.ISSUERS,
        "relation_kinds": vocabulary.RELATION_KINDS,
        "field_labels": FIELD_LABELS,
    }


def _index_root() -> Path:
    return Path(current_app.config["SEARCH_INDEX_DIR"])


def _preview(form: EditorForm) -> Markup:
    # The same pipeline (Markdown + nh3 allow-list) that renders revisions for readers;
    # raises Invalid like a save would when the body is too large or too slow to render.
    _check_body_size()
    return Markup(render(form.body, form.meta.get("tieu_de", "")).html)


def _check_body_size() -> None:
    """The import's limit (MARKDOWN_MAX_BYTES) holds here too, said in words: a body
    is never cut short silently (params.MAX_BODY)."""
    body, limit = request.form.get("noi_dung", ""), current_app.config["MARKDOWN_MAX_BYTES"]
    if len(body) > params.MAX_BODY or len(body.encode("utf-8", "replace")) > limit:
        raise Invalid(
            [Problem("nội dung", f"dài quá giới hạn {limit // 1024} KB; hãy chia thành nhiều văn bản")]
        )


def _perform(action: str, form: EditorForm) -> None:
    """Run one button of the edit form; raises Invalid, Conflict or PublishFailed."""
    actor = web.actor()
    if action == "xuat-ban":
        publishing.publish(get_db(), _index_root(), actor, form)
    elif action == "luu-tru":
        publishing.archive(get_db(), _index_root(), actor, form.slug, form.expected)
    elif action == "hen-gio":
        with get_db().transaction() as tx:
            workflow.schedule(tx, actor, form, params.publish_at(request.form))
    elif action == "luu-nhap":
        with get_db().transaction() as tx:
            workflow.save(tx, actor, form, "save")
    else:
        raise Invalid([Problem("hanh_dong", "thao tác không hợp lệ")])


def _edit_page(form: EditorForm, document=None, problems=(), error="", preview=None, status=200):
    page = render_template(
        "editor/edit.html",
        form=form,
        document=document,
        problems=problems,
        error=error,
        preview=preview,
        relation_rows=params.with_empty_rows(form),
        numbers=listing.numbers(session()),
        states=workflow.STATE_LABELS,
    )
    return page, status


def _submit(form: EditorForm, document=None):
    action = request.form.get("hanh_dong", "")
    try:
        if action == "xem-truoc":
            return _edit_page(form, document, preview=_preview(form))
        _check_body_size()
        _perform(action, form)
    except Invalid as exc:
        return _edit_page(form, document, problems=exc.problems, status=422)
    except (Conflict, publishing.PublishFailed) as exc:
        return _edit_page(form, document, error=exc.message, status=exc.status)
    flash(DONE[action], "info")
    return redirect(url_for("editor.edit", slug=form.slug))


@bp.get("")
@role_required(*EDITORS)
def index():
    query = listing.ListQuery(request.args.get("trang-thai"), request.args.get("q", "")[:100])
    return render_template(
        "editor/index.html",
        query=query,
        filters=listing.FILTERS,
        documents=listing.list_documents(session(), query),
        states=workflow.STATE_LABELS,
    )


@bp.route("/moi", methods=["GET", "POST"])
@role_required(*EDITORS)
def new():
    if request.method == "GET":
        return _edit_page(EditorForm(meta={"hieu_luc": "in_force"}))
    return _submit(params.editor_form(request.form))


@bp.route("/van-ban/<slug>", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(slug: str):
    document = workflow.get(session(), slug)
    if request.method == "GET":
        return _edit_page(from_document(document), document)
    return _submit(params.editor_form(request.form, slug), document)


@bp.post("/xem-truoc")
@role_required(*EDITORS)
def preview():
    form = EditorForm(
        meta={"tieu_de": request.form.get("tieu_de", "")[:500]},
        body=request.form.get("noi_dung", "")[: params.MAX_BODY],
    )
    try:
        html, status = str(_preview(form)), 200
    except Invalid as exc:  # shown in the preview pane instead of the document
        html, status = render_template("editor/_problems.html", problems=exc.problems), 422
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


@bp.get("/van-ban/<slug>/lich-su")
@role_required(*EDITORS)
def revisions(slug: str):
    document = workflow.get(session(), slug)
    return render_template(
        "editor/history.html", document=document, revisions=history.revisions_of(session(), document)
    )


@bp.get("/van-ban/<slug>/so-sanh")
@role_required(*EDITORS)
def compare(slug: str):
    document = workflow.get(session(), slug)
    latest = document.current_revision.number
    args = Args()
    old = history.revision(session(), document, args.id("tu", max(1, latest - 1)))
    new = history.revision(session(), document, args.id("den", latest))
    lines = history.changed_only(history.diff(old.source, new.source))
    return render_template("editor/compare.html", document=document, old=old, new=new, lines=lines)


@bp.post("/van-ban/<slug>/khoi-phuc/<int:number>")
@role_required(*EDITORS)
def revert(slug: str, number: int):
    publishing.revert(get_db(), _index_root(), web.actor(), slug, number, params.expected(request.form))
    flash(f"Đã khôi phục nội dung phiên bản {number} thành một phiên bản mới.", "info")
    return redirect(url_for("editor.revisions", slug=slug))
