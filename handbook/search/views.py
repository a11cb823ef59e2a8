"""Search pages: `/tim-kiem?q=…` (HTML, or JSON when the client asks for it)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from handbook.negotiation import wants_json
from handbook.policies import member_required
from handbook.search import completion, service, throttling
from handbook.search.presenters import (
    FACET_LABELS,
    FACET_PARAMS,
    completions_json,
    page_args,
    results_json,
    search_request,
)
from handbook.search.readers import SearcherPool

bp = Blueprint("search", __name__)
POOL = "handbook.search"


@bp.record_once
def _create_pool(state) -> None:
    # One pool per app (and so per gunicorn worker); it follows index swaps itself.
    state.app.extensions[POOL] = SearcherPool(Path(state.app.config["SEARCH_INDEX_DIR"]))
    throttling.init_app(state.app)  # the page, its JSON twin and the API's search


def pool() -> SearcherPool:
    return current_app.extensions[POOL]


@bp.get("/tim-kiem")
@bp.get("/tim-kiem.json", endpoint="results_json")
@member_required
def results():
    results = service.search(pool(), search_request(request.args))
    if wants_json():
        return jsonify(results_json(results))
    if results.target is not None:
        hit = results.target
        return redirect(url_for("content.document", slug=hit.slug, _anchor=hit.anchor or None))
    return render_template(
        "search/results.html",
        results=results,
        args=page_args(request.args),
        facet_params=FACET_PARAMS,
        facet_labels=FACET_LABELS,
    )


@bp.get("/tim-kiem/goi-y")
@member_required
def suggest():
    found = completion.complete(pool(), request.args.get("q", ""))
    return jsonify(completions_json(found))
