"""The library, one document (with ETag), search and autocomplete."""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, jsonify, request

from handbook.api import params, schemas
from handbook.api.blueprint import bp
from handbook.api.openapi import Param, operation
from handbook.app_db import session
from handbook.content import library
from handbook.content.models import Document
from handbook.content.vocabulary import EFFECT_STATUSES
from handbook.db import iso
from handbook.policies import member_required
from handbook.search import completion, presenters, service
from handbook.search.query import MAX_QUERY_CHARS
from handbook.search.views import pool

TAG = "Văn bản"
SORTS = {"newest": "moi-nhat", "oldest": "cu-nhat", "title": "tieu-de", "number": "so-hieu"}
_TEXT = schemas.text(120)
_FILTERS = (
    Param("type", _TEXT, "Loại văn bản, ví dụ Nghị quyết"),
    Param("issuer", _TEXT, "Cơ quan ban hành"),
    Param("year", {"type": "integer", "minimum": 1930, "maximum": 2100}),
    Param("status", {"enum": list(EFFECT_STATUSES)}, "Hiệu lực"),
)


def _cached(key, compute):
    return current_app.extensions["content.fragments"].get(session(), key, compute)


def _library_query(args: params.Args, page: int, per_page: int) -> library.LibraryQuery:
    return library.LibraryQuery(
        doc_type=args.text("type", 120) or None,
        issuer=args.text("issuer", 120) or None,
        year=args.integer("year", 1930, 2100),
        status=args.choice("status", EFFECT_STATUSES),
        sort=SORTS[args.choice("sort", SORTS, "newest")],
        page=page,
        per_page=per_page,
    )


@bp.get("/documents")
@member_required
@operation(
    "Thư viện văn bản, có bộ lọc và phân trang",
    tag=TAG,
    responses={200: "DocumentList"},
    query=(*_FILTERS, Param("sort", {"enum": list(SORTS)}), *params.PAGING),
)
def list_documents():
    args = params.Args()
    page, per_page = args.page()
    query = _library_query(args, page, per_page)
    args.check()
    found = library.list_documents(session(), query)
    return jsonify(
        params.page_json(
            [summary_json(d, found.statuses[d.id]) for d in found.documents],
            found.total,
            page,
            per_page,
            facets=_cached(("api.facets",), _facets),
        )
    )


def _facets() -> dict:
    found = library.facets(session())
    return {
        "types": found.doc_types,
        "issuers": found.issuers,
        "years": found.years,
        "statuses": [{"value": k, "label": v} for k, v in found.statuses.items()],
    }


@bp.get("/documents/<slug>")
@member_required
@operation(
    "Một văn bản: thông tin, mục lục, các mục và nội dung HTML",
    tag=TAG,
    responses={200: "Document", 304: None},
    headers=(
        Param(
            "If-None-Match",
            {"type": "string", "maxLength": 200},
            "ETag đã nhận lần trước: trả 304 nếu văn bản không đổi.",
        ),
    ),
)
def document(slug: str):
    etag, body = _cached(("api.document", slug), lambda: _document_entry(slug))
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    return Response(body, mimetype="application/json", headers={"ETag": f'"{etag}"'})


def _document_entry(slug: str) -> tuple[str, bytes]:
    """The same for every reader: serialised once per content version."""
    body = json.dumps(
        document_json(library.get_document(session(), slug)), ensure_ascii=False, separators=(",", ":")
    ).encode()
    return hashlib.sha256(body).hexdigest()[:24], body


def summary_json(doc: Document, status: str) -> dict:
    """status: as the library says it (library.effect_status), not the front matter's."""
    return {
        "slug": doc.slug,
        "number": doc.number,
        "title": doc.title,
        "type": doc.doc_type,
        "issuer": doc.issuer,
        "issued_on": iso(doc.issued_on),
        "status": status,
        "status_label": EFFECT_STATUSES.get(status, status),
        "summary": doc.summary,
    }


def _ref(doc: Document) -> dict:
    return {"slug": doc.slug, "number": doc.number, "title": doc.title}


def document_json(view: library.DocumentView) -> dict:
    doc, revision = view.document, view.document.current_revision
    return {
        **summary_json(doc, view.status),
        "effective_on": iso(doc.effective_on),
        "term": doc.term,
        "tags": [t.tag for t in doc.tags],
        "revision": {"number": revision.number, "published_at": iso(revision.created_at)},
        "replaced_by": [_ref(d) for d in view.replaced_by],
        "relations": [
            {
                "label": link.label,
                "number": link.number,
                "document": _ref(link.document) if link.document else None,
            }
            for link in view.links
        ],
        "sections": [{"anchor": s.anchor, "heading": s.heading, "level": s.level} for s in revision.sections],
        "html": revision.html,
    }


def _search_request(args: params.Args) -> service.SearchRequest:
    """Parsed in the order the API documents its parameters, so problems list that way."""
    q = args.text("q", MAX_QUERY_CHARS)
    page = args.integer("page", 1, presenters.MAX_PAGE, 1)
    per_page = args.integer("per_page", 1, service.MAX_PER_PAGE, 10)
    filters = {
        "doc_type": args.text("type", 120),
        "issuer": args.text("issuer", 120),
        "status": args.choice("status", EFFECT_STATUSES, ""),
        "year": args.digits("year", 4),
    }
    active = tuple((facet, value) for facet, value in filters.items() if value)
    return service.SearchRequest(q=q, page=page, per_page=per_page, filters=active)


@bp.get("/search")
@member_required
@operation(
    "Tìm kiếm (gõ có dấu hoặc không dấu, số hiệu như 35-NQ/TW)",
    tag=TAG,
    responses={200: "SearchResults", 503: "Error"},
    query=(
        Param("q", schemas.text(MAX_QUERY_CHARS)),
        *(p for p in _FILTERS if p.name != "year"),
        Param("year", {"type": "string", "pattern": "^[0-9]{4}$"}),
        Param("page", {"type": "integer", "minimum": 1, "maximum": presenters.MAX_PAGE}),
        Param("per_page", {"type": "integer", "minimum": 1, "maximum": service.MAX_PER_PAGE}),
    ),
)
def search():
    args = params.Args()
    asked = _search_request(args)
    args.check()
    return jsonify(presenters.results_json(service.search(pool(), asked)))


@bp.get("/search/suggest")
@member_required
@operation(
    "Gợi ý khi đang gõ",
    tag=TAG,
    responses={200: "Completions", 503: "Error"},
    query=(Param("q", schemas.text(200)),),
)
def suggest():
    args = params.Args()
    typed = args.text("q", 200)
    args.check()
    found = completion.complete(pool(), typed)
    return jsonify(completions=[{"label": c.label, "title": c.title, "slug": c.slug} for c in found])
