"""Between HTTP and the search service: request arguments in, JSON-ready data out."""

from __future__ import annotations

from flask import url_for
from werkzeug.datastructures import MultiDict

from handbook.params import Args
from handbook.search.completion import Completion
from handbook.search.service import Hit, SearchRequest, SearchResults

# URL parameter → facet name, the same Vietnamese names as the library filters.
FACET_PARAMS = {"loai": "doc_type", "co-quan": "issuer", "nam": "year", "hieu-luc": "status"}
FACET_LABELS = {"doc_type": "Loại văn bản", "issuer": "Cơ quan ban hành", "year": "Năm", "status": "Hiệu lực"}
MAX_PAGE = 1000


def search_request(args: MultiDict) -> SearchRequest:
    read = Args(args)
    filters = tuple(
        (facet, value) for param, facet in FACET_PARAMS.items() if (value := read.text(param, 200))
    )
    return SearchRequest(q=args.get("q", ""), page=read.page_number("trang", MAX_PAGE), filters=filters)


def hit_url(hit: Hit) -> str:
    return url_for("content.document", slug=hit.slug, _anchor=hit.anchor or None)


def _segments(segments) -> list[dict]:
    return [{"text": s.text, "match": s.match} for s in segments]


def hit_json(hit: Hit) -> dict:
    return {
        "url": hit_url(hit),
        "slug": hit.slug,
        "anchor": hit.anchor,
        "document": {
            "title": hit.doc_title,
            "number": hit.number,
            "type": hit.doc_type,
            "issuer": hit.issuer,
            "year": hit.year,
            "status": hit.status,
        },
        "heading": hit.heading,
        "heading_segments": _segments(hit.heading_marked),
        "snippet": _segments(hit.snippet),
        "score": round(hit.score, 4),
    }


def results_json(results: SearchResults) -> dict:
    return {
        "query": results.query.text,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "per_page": results.per_page,
        "hits": [hit_json(h) for h in results.hits],
        "facets": {
            name: [{"value": v, "count": c} for v, c in values] for name, values in results.facets.items()
        },
        "suggestion": results.suggestion,
        "target": hit_url(results.target) if results.target else None,
    }


def completions_json(found: list[Completion]) -> dict:
    return {
        "completions": [
            {"label": c.label, "title": c.title, "url": url_for("content.document", slug=c.slug)}
            for c in found
        ]
    }


def page_args(args: MultiDict) -> dict[str, str]:
    """The arguments that pagination links carry over."""
    keys = ("q", *FACET_PARAMS)
    return {key: args[key] for key in keys if args.get(key)}
