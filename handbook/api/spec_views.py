"""The OpenAPI document of this API."""

from __future__ import annotations

from flask import current_app, jsonify

from handbook.accounts.access import public
from handbook.api import PREFIX, bp, openapi

SPEC = "api.openapi"


@bp.get("/openapi.json")
@public
@openapi.operation("Tài liệu OpenAPI 3.1 của API này", tag="Tài liệu", responses={200: None})
def spec():
    if SPEC not in current_app.extensions:
        current_app.extensions[SPEC] = openapi.build(current_app, PREFIX + "/")
    return jsonify(current_app.extensions[SPEC])
