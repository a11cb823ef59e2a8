"""The API's blueprint and prefix; its routes live in the *_views modules, which
handbook.api.init_app loads."""

from __future__ import annotations

from flask import Blueprint

from handbook.negotiation import API_PREFIX as PREFIX

bp = Blueprint("api", __name__, url_prefix=PREFIX)
