"""Static assets: every URL carries a fingerprint of the file, so browsers may keep
it for a year and still get a new file the moment it changes."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, request

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


@lru_cache(maxsize=256)
def _fingerprint(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(static_folder: str, filename: str) -> str | None:
    path = Path(static_folder, filename)
    try:
        return _fingerprint(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            if version := fingerprint(app.static_folder, values["filename"]):
                values["v"] = version

    @app.after_request
    def _cache_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            current = fingerprint(app.static_folder, (request.view_args or {}).get("filename", ""))
            fresh = current is not None and request.args.get("v") == current
            response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
        return response
