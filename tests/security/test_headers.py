"""Security headers on every answer of every GET route, for every role, and no inline
code anywhere that the Content-Security-Policy would silently block."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import pytest
from flask import url_for

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from tests.conftest import FAST_PASSWORD_HASHING
from tests.security.conftest import build_url, inline_code, rules

TEMPLATES = Path(__file__).resolve().parents[2] / "handbook" / "templates"
# no-referrer would also break Flask-WTF's Referer check on https forms.
STRICT_REFERRER = {"strict-origin-when-cross-origin", "strict-origin", "same-origin"}
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
# The only non-static answer that browsers may keep: the service worker, which has no
# personal data and must be revalidated so a deploy reaches phones at once.
OWN_CACHE_POLICY = {"offline.service_worker": "no-cache"}
ONE_YEAR = 365 * 24 * 3600


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed.setdefault(name.lower(), sources)  # the first occurrence is the one applied
    return parsed


def csp_problems(policy: str | None, file_download: bool) -> list[str]:
    if not policy:
        return ["no Content-Security-Policy"]
    csp, problems = directives(policy), []
    if "default-src" not in csp:
        problems.append("no default-src")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    scripts = set(csp.get("script-src", csp.get("default-src", ["*"])))
    if scripts & UNSAFE_SCRIPT_SOURCES:
        problems.append(f"script-src allows {sorted(scripts & UNSAFE_SCRIPT_SOURCES)}")
    if file_download:
        # A stored file, not a page: nothing at all may run or load from it.
        if csp.get("default-src") != ["'none'"] or "script-src" in csp:
            problems.append("a file download may run scripts")
        return problems
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src {csp.get('object-src')}")
    if csp.get("base-uri") not in (["'none'"], ["'self'"]):
        problems.append(f"base-uri {csp.get('base-uri')}")
    if "form-action" not in csp:
        problems.append("no form-action")
    return problems


def cache_directives(response) -> set[str]:
    return {d.strip().lower() for d in response.headers.get("Cache-Control", "").split(",")}


def header_problems(response, endpoint: str, hsts: bool) -> list[str]:
    headers = response.headers
    file_download = endpoint == "attachments.download" and response.status_code == 200
    problems = csp_problems(headers.get("Content-Security-Policy"), file_download)
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if not file_download and headers.get("Referrer-Policy") not in STRICT_REFERRER:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    if not file_download and headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {headers.get('X-Frame-Options')}")
    if hsts != ("Strict-Transport-Security" in headers):
        problems.append("HSTS " + ("missing" if hsts else "sent"))
    if endpoint != "static":
        wanted = OWN_CACHE_POLICY.get(endpoint, "no-store")
        if wanted not in cache_directives(response) or "public" in cache_directives(response):
            problems.append(f"Cache-Control {headers.get('Cache-Control')!r}")
    if response.mimetype.startswith("text/") and not response.mimetype_params.get("charset"):
        problems.append(f"{response.mimetype} without charset")
    if response.mimetype == "text/html":
        problems += inline_code(response.get_data(as_text=True))
    return problems


def _get(client, url: str, headers=None):
    """GET and close (a file answer holds its file open until closed)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def test_every_get_answer_for_every_role_carries_the_security_headers(library, clients, bearers, real_ids):
    failures, statuses = [], set()
    for rule in rules(library, {"GET"}):
        if rule.endpoint == "static":
            continue  # test_static_assets_are_cached_and_still_guarded
        url = build_url(rule, real_ids)
        for role, client in clients.items():
            api = bearers[role] if rule.endpoint.startswith("api.") else None
            response = _get(client, url, api)
            statuses.add(response.status_code)
            failures += [
                f"{role:9} {url} → {response.status_code}: {problem}"
                for problem in header_problems(response, rule.endpoint, hsts=True)
            ]
    assert not failures, "\n".join(failures)
    assert {200, 302, 401, 403, 404} <= statuses  # pages, redirects and refusals alike


def test_error_answers_carry_the_security_headers_too(clients):
    for response in (
        _get(clients["member"], "/khong-co-trang-nay"),
        clients["member"].post("/tim-kiem"),
        _get(clients["anon"], "/api/v1/me"),
        _get(clients["member"], "/khong-co", {"Accept": "application/json"}),
    ):
        assert response.status_code in (401, 404, 405)
        assert not header_problems(response, "", hsts=True), response.headers


def test_static_assets_are_cached_and_still_guarded(library, clients):
    static = Path(library.static_folder)
    files = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    assert "handbook.css" in files and "reading.js" in files
    for name in files:
        with library.test_request_context():
            fingerprinted, plain = url_for("static", filename=name), f"/static/{name}"
        assert "?v=" in fingerprinted
        for role in ("anon", "member"):
            response = _get(clients[role], fingerprinted)
            assert response.status_code == 200, name
            assert {"public", "immutable", f"max-age={ONE_YEAR}"} <= cache_directives(response)
            assert not header_problems(response, "static", hsts=True), name
        # Without the current fingerprint the browser must ask again.
        assert {"public", "no-cache"} <= cache_directives(_get(clients["anon"], plain))


def _fresh_app(tmp_path, **config):
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'headers.db'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            **FAST_PASSWORD_HASHING,
            **config,
        }
    )
    migrate.upgrade(app)
    return app


@pytest.mark.parametrize("env, hsts", [("production", True), ("development", False)])
def test_hsts_in_production_and_never_in_development(tmp_path, env, hsts):
    app = _fresh_app(tmp_path, ENV_NAME=env, SECRET_KEY=secrets.token_urlsafe(48))
    client = app.test_client()
    for rule in rules(app, {"GET"}):
        if rule.endpoint == "static":
            continue
        response = _get(client, build_url(rule, {}))
        assert not header_problems(response, rule.endpoint, hsts=hsts), (rule.rule, response.headers)
        if hsts:
            value = response.headers["Strict-Transport-Security"].lower()
            age = int(re.search(r"max-age=(\d+)", value).group(1))
            assert age >= ONE_YEAR and "includesubdomains" in value
    get_db(app).engine.dispose()


# Template checks: what the CSP would block without a word in the browser's console.
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"<[a-z][^>]*?\son[a-z]+\s*=", re.S | re.I)
STYLE = re.compile(r"<[a-z][^>]*?\sstyle\s*=|<style\b", re.S | re.I)


def test_no_template_contains_inline_script_handler_or_style():
    found = []
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    for path in templates:
        text, name = path.read_text(encoding="utf-8"), path.relative_to(TEMPLATES)
        for attrs, body in SCRIPT_TAG.findall(text):
            if "src=" not in attrs or body.strip():
                found.append(f"{name}: inline <script{attrs}>")
        found += [f"{name}: event handler {m.group(0)[-30:]!r}" for m in HANDLER.finditer(text)]
        found += [f"{name}: style {m.group(0)[-30:]!r}" for m in STYLE.finditer(text)]
        if "javascript:" in text.lower():
            found.append(f"{name}: javascript: URL")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<a href="#" onclick="go()">x</a>',
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        '<a href="javascript:go()">x</a>',
    ],
)
def test_the_inline_code_check_catches_each_kind(snippet):
    assert inline_code(f"<main>{snippet}</main>")
    assert (
        SCRIPT_TAG.search(snippet)
        or HANDLER.search(snippet)
        or STYLE.search(snippet)
        or "javascript:" in snippet
    )
