"""Library and reading pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from handbook.app_db import session
from handbook.content import library
from handbook.content.versioning import VersionedCache
from handbook.content.vocabulary import EFFECT_STATUSES
from handbook.params import Args
from handbook.policies import member_required
from handbook.security import safe_next

bp = Blueprint("content", __name__)


@bp.record_once
def _create_fragment_cache(state) -> None:
    # Rendered fragments are the same for every reader of a content version; only
    # the page shell (CSRF token, font size, navigation) is rendered per request.
    state.app.extensions["content.fragments"] = VersionedCache(state.app.config["CONTENT_CACHE_TTL"])


def _cached(key, compute) -> Fragment:
    return current_app.extensions["content.fragments"].get(session(), key, compute)


@dataclass(frozen=True)
class Fragment:
    title: str
    html: Markup


FONT_SIZES = {
    "nho": "Chữ nhỏ",
    "vua": "Chữ vừa",
    "lon": "Chữ lớn",
    "rat-lon": "Chữ rất lớn",
    "cuc-lon": "Chữ cực lớn",
}
FONT_COOKIE = "co_chu"
MAX_FILTER_CHARS = 200


def _library_query() -> library.LibraryQuery:
    args = Args()
    return library.LibraryQuery(
        doc_type=args.text("loai", MAX_FILTER_CHARS) or None,
        issuer=args.text("co-quan", MAX_FILTER_CHARS) or None,
        year=args.integer("nam", 1, 9_999),
        status=args.choice("hieu-luc", EFFECT_STATUSES),
        sort=args.choice("sap-xep", library.SORTS, library.DEFAULT_SORT),
        page=args.page_number("trang", 9_999),
        per_page=current_app.config["LIBRARY_PAGE_SIZE"],
    )


def _library_fragment(query: library.LibraryQuery) -> Fragment:
    page = library.list_documents(session(), query)
    html = render_template("content/_library.html", page=page, query=query, facets=library.facets(session()))
    return Fragment("Thư viện văn bản", Markup(html))


def _document_fragment(slug: str) -> Fragment:
    view = library.get_document(session(), slug)
    doc = view.document
    html = render_template("content/_document.html", view=view, doc=doc, revision=doc.current_revision)
    return Fragment(f"{doc.doc_type} {doc.number}", Markup(html))


@bp.get("/")
@member_required
def index():
    query = _library_query()
    fragment = _cached(("library", query), lambda: _library_fragment(query))
    return render_template("content/library.html", fragment=fragment)


@bp.get("/van-ban/<slug>")
@member_required
def document(slug: str):
    fragment = _cached(("document", slug), lambda: _document_fragment(slug))
    return render_template("content/document.html", fragment=fragment)


@bp.post("/tuy-chinh/co-chu")
@member_required
def font_size():
    size = request.form.get("co_chu", "vua")
    response = make_response(redirect(safe_next(request.form.get("next"), url_for("content.index"))))
    if size in FONT_SIZES:
        response.set_cookie(
            FONT_COOKIE,
            size,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


@bp.app_context_processor
def reading_preferences() -> dict:
    size = request.cookies.get(FONT_COOKIE, "vua")
    return {
        "font_size": size if size in FONT_SIZES else "vua",
        "font_sizes": FONT_SIZES,
        "effect_statuses": EFFECT_STATUSES,
    }
