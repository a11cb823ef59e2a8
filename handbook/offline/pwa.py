"""The web app manifest and the service worker script, as data: no request needed.

The worker's source lives in static/sw.js with two placeholders: the URLs it
precaches (static URLs carry a fingerprint of their file) and a version made
from those URLs, the worker's own source and the offline page's template. A
deploy that changes any of them changes the worker's bytes, so browsers install
the new worker, which fills a new static cache and deletes the old one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

NAME = "Sổ tay Đảng viên"
THEME_COLOUR = "#a50f15"  # --red of handbook.css, the header band
BACKGROUND_COLOUR = "#fffdf8"  # --paper
ICONS = (  # file under static/icons, size, purpose
    ("icon-192.png", 192, "any"),
    ("icon-512.png", 512, "any"),
    ("icon-maskable-512.png", 512, "maskable"),
)
# What a kept page needs to render offline (the worker adds the offline page).
PRECACHE_STATIC = (
    "handbook.css",
    "reading.js",
    "read_aloud.js",
    "search.js",
    "offline.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
VERSION_PLACEHOLDER = "__HANDBOOK_WORKER_VERSION__"
PRECACHE_PLACEHOLDER = '["__HANDBOOK_PRECACHE__"]'


def manifest(static_url: Callable[[str], str]) -> dict:
    """static_url maps a path under static/ to its public URL."""
    return {
        "name": NAME,
        "short_name": "Sổ tay ĐV",
        "description": "Văn bản, nghị quyết của Đảng và tiến độ học tập, đọc được cả khi không có mạng.",
        "lang": "vi",
        "dir": "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static_url(f"icons/{name}"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for name, size, purpose in ICONS
        ],
    }


def worker_source(static_dir: Path, offline_template: Path, precache: list[str]) -> str:
    """static/sw.js with its precache list and version filled in. Browsers ask for it
    on most page loads, so it is built once per version of its inputs."""
    worker = static_dir / "sw.js"
    return _built_worker(
        worker,
        worker.stat().st_mtime_ns,
        offline_template,
        offline_template.stat().st_mtime_ns,
        tuple(precache),
    )


@lru_cache(maxsize=8)
def _built_worker(
    worker: Path,
    worker_mtime_ns: int,
    offline_template: Path,
    template_mtime_ns: int,
    precache: tuple[str, ...],
) -> str:
    source = worker.read_text(encoding="utf-8")
    digest = hashlib.sha256("\0".join([source, *precache]).encode())
    digest.update(offline_template.read_bytes())
    return source.replace(VERSION_PLACEHOLDER, digest.hexdigest()[:16], 1).replace(
        PRECACHE_PLACEHOLDER, json.dumps(list(precache)), 1
    )
