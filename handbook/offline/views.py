"""Offline reading: the manifest, the service worker (served from the root so that
its scope is the whole site), the offline fallback page and the keep-list."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from handbook.app_db import session
from handbook.offline import keep, pwa
from handbook.policies import member_required, public

bp = Blueprint("offline", __name__)
OFFLINE_TEMPLATE = "offline/offline.html"


@bp.get("/manifest.webmanifest")
@public
def manifest():
    body = pwa.manifest(lambda path: url_for("static", filename=path))
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
@public
def service_worker():
    template = Path(current_app.root_path, current_app.template_folder, OFFLINE_TEMPLATE)
    precache = [url_for("static", filename=name) for name in pwa.PRECACHE_STATIC]
    source = pwa.worker_source(Path(current_app.static_folder), template, precache)
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new deploy reaches phones at once
    response.add_etag()  # and an unchanged worker costs a 304
    return response.make_conditional(request)


@bp.get("/ngoai-tuyen")
@public
def offline_page():
    return render_template(OFFLINE_TEMPLATE)


@bp.get("/ngoai-tuyen/van-ban.json")
@member_required
def kept_documents():
    """What the signed-in member's worker keeps readable offline."""
    docs = keep.kept_documents(session(), current_user.id)
    return jsonify(
        user=current_user.id,
        documents=[
            {
                "url": url_for("content.document", slug=d.slug),
                "slug": d.slug,
                "title": d.title,
                "revision": d.revision,
                "version": d.version,
            }
            for d in docs
        ],
    )
