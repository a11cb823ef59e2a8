"""CORS: closed unless HANDBOOK_API_CORS_ORIGINS names a mobile web origin. Bearer
tokens are sent by script, never by the browser on its own, so credentials stay off."""

from __future__ import annotations

from flask import current_app, request

from handbook.api.blueprint import bp

ALLOWED_HEADERS = "Authorization, Content-Type, If-None-Match"
EXPOSED_HEADERS = "ETag, Retry-After"
PREFLIGHT_SECONDS = "600"


def allowed_origins() -> frozenset[str]:
    configured = current_app.config["API_CORS_ORIGINS"]
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    return frozenset(o.rstrip("/") for o in configured)


@bp.after_request
def _cors(response):
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if not origin or origin not in allowed_origins():
        return response
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = ", ".join(sorted(response.allow)) or "GET"
        headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        headers["Access-Control-Max-Age"] = PREFLIGHT_SECONDS
    return response
