"""Response headers every page carries, and the same-site redirect check."""

from __future__ import annotations

from itertools import chain
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

from handbook.api import is_api_request
from handbook.text import storable

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))


HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    return response


def _add_hsts(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per set
    of keys instead of twice per request."""

    def __init__(self) -> None:
        self._serializers: dict = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers = {keys: super().get_signing_serializer(app)}
        return self._serializers[keys]


def _refuse_unstorable_input() -> None:
    """Text no database can store is a 400 at the door of the pages, not a 500 deep
    inside (the API checks its own input). Runs after the upload size hook, so
    reading the form here respects its limit."""
    if is_api_request():
        return
    fields = request.args.items(multi=True)
    # No GET or HEAD view reads a form, and parsing an empty one costs more than the check.
    if request.method not in ("GET", "HEAD"):
        fields = chain(fields, request.form.items(multi=True))
    if not all(storable(name) and storable(value) for name, value in fields):
        raise BadRequest("Dữ liệu gửi lên chứa ký tự không hợp lệ.")


def register(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
    app.before_request(_refuse_unstorable_input)
    app.after_request(_add_headers)
    # Development serves plain http on loopback; HSTS there would pin localhost to https.
    if app.config["ENV_NAME"] != "development":
        app.after_request(_add_hsts)


def safe_next(target: str | None, default: str) -> str:
    """A local path to redirect to: one leading '/', no scheme, host or backslash."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/")
            or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 for ch in target)):
        return default
    return target
