"""The mobile app's JSON API under /api/v1: bearer tokens only (never the session
cookie, so no CSRF token is needed), strict input, one error shape, an OpenAPI
document built from the routes."""

from __future__ import annotations

from flask import Blueprint, Flask

from handbook.api.blueprint import bp


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
