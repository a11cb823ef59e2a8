"""The OpenAPI document of this API."""

from __future__ import annotations

from flask import current_app, jsonify

from handbook.api import openapi
from handbook.api.blueprint import PREFIX, bp
from handbook.policies import public

SPEC = "api.openapi"


@bp.get("/openapi.json")
@public
@openapi.operation("Tài liệu OpenAPI 3.1 của API này", tag="Tài liệu", responses={200: None})
def spec():
    if SPEC not in current_app.extensions:
        current_app.extensions[SPEC] = openapi.build(current_app, PREFIX + "/")
    return jsonify(current_app.extensions[SPEC])
