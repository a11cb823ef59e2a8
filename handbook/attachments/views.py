"""Attachment routes: editors upload and remove, logged-in readers download."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, send_file, url_for

from handbook.accounts import web
from handbook.accounts.access import current_permissions
from handbook.accounts.vocabulary import ADMIN, EDITOR
from handbook.app_db import get_db, session
from handbook.attachments import content_types, services
from handbook.attachments.models import Attachment
from handbook.errors import Invalid, StorageFull
from handbook.policies import member_required, role_required
from handbook.security import safe_next

bp = Blueprint("attachments", __name__)
EDITORS = frozenset({EDITOR, ADMIN})
UPLOAD_ENDPOINT = "attachments.upload"
_MULTIPART_SLACK = 64 * 1024  # boundaries, part headers and the CSRF field around the file
# Chrome's and Safari's PDF viewers refuse to run under a CSP sandbox, so PDFs get a
# policy without it; the bytes were checked to be a PDF and nosniff holds the type.
CSP_PDF = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
CSP_IMAGE = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
CSP_OTHER = "default-src 'none'; frame-ancestors 'none'; sandbox"


@bp.record_once
def _install_upload_limit(state) -> None:
    # First in line: the CSRF check parses the body before any view or blueprint hook runs.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _raise_limit_for_editors)


def _raise_limit_for_editors() -> None:
    """Only an editor's upload may exceed MAX_CONTENT_LENGTH; everyone else keeps it."""
    if request.endpoint == UPLOAD_ENDPOINT and current_permissions().has_any(EDITORS):
        request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + _MULTIPART_SLACK


def _root(app: Flask | None = None) -> Path:
    return Path((app or current_app).config["ATTACHMENTS_DIR"])


def may_see_drafts() -> bool:
    return current_permissions().has_any(EDITORS)


def _back(slug: str | None = None):
    default = url_for("content.document", slug=slug) if slug else url_for("content.index")
    return redirect(safe_next(request.form.get("next"), default), code=303)


def _store(slug: str, upload) -> Attachment:
    with get_db().transaction() as tx:
        document_id = services.document_id_for(tx, slug)
        return services.add(
            tx,
            web.actor(),
            document_id,
            upload.filename or "",
            upload.stream,
            current_app.config["ATTACHMENT_MAX_BYTES"],
            _root(),
        )


@bp.post("/bien-tap/van-ban/<slug>/tep-dinh-kem")
@role_required(EDITOR, ADMIN)
def upload(slug: str):
    upload = request.files.get(services.FIELD)
    if upload is None:
        flash("Vui lòng chọn tệp để đính kèm.", "error")
        return _back(slug)
    try:
        attachment = _store(slug, upload)
        flash(f"Đã đính kèm tệp “{attachment.filename}”.", "success")
    except Invalid as error:
        flash(" ".join(p.reason for p in error.problems), "error")
    except StorageFull as error:  # rolled back, and nothing of the file was kept
        flash(f"Không lưu được tệp. {error.message}", "error")
    return _back(slug)


@bp.post("/bien-tap/tep-dinh-kem/<int:attachment_id>/xoa")
@role_required(EDITOR, ADMIN)
def remove(attachment_id: int):
    with get_db().transaction() as tx:
        removed = services.remove(tx, web.actor(), attachment_id, _root())
    flash(f"Đã gỡ tệp “{removed.filename}”.", "success")
    return _back()


@bp.get("/tep-dinh-kem/<int:attachment_id>/<path:filename>")
@member_required
def download(attachment_id: int, filename: str):
    attachment, path = services.open_for_download(session(), attachment_id, _root(), may_see_drafts())
    if filename != attachment.filename:
        abort(404)
    return _file_response(attachment, path)


def _file_response(attachment: Attachment, path: Path):
    inline = attachment.media_type in content_types.INLINE
    response = send_file(
        path,
        mimetype=attachment.media_type,
        as_attachment=not inline,
        download_name=attachment.filename,
        etag=attachment.sha256,
        max_age=None,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Signed originals: never left in a shared computer's cache or a proxy.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = (
        CSP_PDF if attachment.media_type == content_types.PDF else CSP_IMAGE if inline else CSP_OTHER
    )
    return response


@bp.app_template_global("document_attachments")
def document_attachments(slug: str | None) -> list[Attachment]:
    """The current document's attachments, for the page around the cached article."""
    if not slug:
        return []
    drafts = may_see_drafts()
    # Kept with the rendered articles: adding or removing a file bumps the content version.
    return current_app.extensions["content.fragments"].get(
        session(), ("attachments", slug, drafts), lambda: services.list_for_slug(session(), slug, drafts)
    )


@bp.app_template_filter("dung_luong")
def human_size(size: int) -> str:
    """Bytes as Vietnamese readers write them: comma decimals, KB/MB."""
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@bp.app_template_filter("loai_tep")
def type_label(media_type: str) -> str:
    return content_types.LABELS.get(media_type, media_type)
