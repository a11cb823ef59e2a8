"""The mobile app's JSON API under /api/v1: bearer tokens only (never the session
cookie, so no CSRF token is needed), strict input, one error shape, an OpenAPI
document built from the routes."""

from __future__ import annotations

from flask import Blueprint, Flask, request

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)


def is_api_request() -> bool:
    """Anything under /api/ speaks JSON and takes bearer tokens only: no cookie, so no
    cross-site forgery. (Kept free of other imports: access, errors and security ask.)"""
    return request.path.startswith("/api/")


def wants_json() -> bool:
    """The answer, errors included, is JSON for the API, for `.json` addresses, for
    clients that prefer it, and for a JSON body unless the client asks for a page; a
    page otherwise."""
    if is_api_request() or request.path.endswith(".json"):
        return True
    # With no Accept, or */*, the first offer wins: a JSON body tips it.
    offers = ["application/json", "text/html"] if request.is_json else ["text/html", "application/json"]
    return request.accept_mimetypes.best_match(offers, default=offers[0]) == "application/json"


def init_app(app: Flask) -> Blueprint:
    """The API blueprint with every route loaded; call before registering it."""
    from handbook.api import (  # noqa: F401  (routes on bp)
        account_views,
        cors,
        document_views,
        notification_views,
        report_views,
        spec_views,
        study_views,
    )
    from handbook.api.params import refuse_undeclared_query
    from handbook.extensions import csrf

    csrf.exempt(bp)
    if refuse_undeclared_query not in bp.before_request_funcs.get(None, []):
        bp.before_request(refuse_undeclared_query)
    return bp
