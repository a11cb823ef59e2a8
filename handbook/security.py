"""Response headers every page carries, untrusted Host headers refused, and the
same-site redirect check."""

from __future__ import annotations

from functools import wraps
from itertools import chain
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, render_template, request
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest, SecurityError

from handbook.negotiation import is_api_request
from handbook.text import storable

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)


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


# Browsers say where a navigation came from; "same-site" may be a sibling subdomain.
_OPENED_HERE = {"same-origin", "none"}


def opened_here(view):
    """For GETs whose reading is audited (members' data): no other site may write that
    record. A link or a redirect from elsewhere gets a page with a link to open it
    from here, and nothing is read or written. Clients that send no Sec-Fetch-Site
    (older browsers, scripts) are served, as SameSite=Lax already lets them."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.headers.get("Sec-Fetch-Site", "none") not in _OPENED_HERE:
            return render_template(
                "open_here.html", target=request.script_root + request.full_path.rstrip("?")
            )
        return view(*args, **kwargs)

    return guarded


def _refuse_untrusted_host() -> None:
    """A Host outside TRUSTED_HOSTS is a 400 before any other hook runs. Flask found it
    while binding the URL map and left the request with no URL adapter; the error
    page still builds links (all relative), so they are bound to a trusted host."""
    error = request.routing_exception
    if isinstance(error, SecurityError):
        request_ctx.url_adapter = current_app.url_map.bind(
            current_app.config["TRUSTED_HOSTS"][0].lstrip("."),
            script_name=request.script_root or None,
            url_scheme=request.scheme,
        )
        raise error


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
    # First in line: the access gate and the CSRF check would redirect or refuse
    # before the Host is looked at.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_host)
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
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return default
    return target
