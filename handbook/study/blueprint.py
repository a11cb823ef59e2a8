"""The study blueprint. Its routes live in views.py (members), cell_views.py
(secretaries) and manage_views.py (campaigns); the app factory loads all three."""

from __future__ import annotations

from flask import Blueprint

from handbook.content.versioning import VersionedCache

bp = Blueprint("study", __name__)


@bp.record_once
def _create_document_cache(state) -> None:
    state.app.extensions["study.documents"] = VersionedCache(state.app.config["CONTENT_CACHE_TTL"])
