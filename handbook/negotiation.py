"""What kind of answer a request wants: JSON for programs, a page for people. Asked
by the error mapping, the access gate, the security hooks and search, so it lives
below all of them."""

from __future__ import annotations

from flask import request

API_PREFIX = "/api/v1"


def is_api_request() -> bool:
    """Anything under /api/ speaks JSON and takes bearer tokens only: no cookie, so no
    cross-site forgery."""
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
