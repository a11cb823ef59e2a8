"""Behind trusted reverse proxies: the client's address and scheme from their headers.

Off by default: without a proxy that overwrites them, X-Forwarded-* are whatever the
client sent, and login throttling and the audit log would count a forged address."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from handbook.config import ConfigError


def proxy_hops(config: dict) -> int:
    value = config.get("PROXY_FIX_HOPS") or 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ConfigError(
            "HANDBOOK_PROXY_FIX_HOPS must be the number of trusted reverse "
            f"proxies in front of gunicorn (0 to 5), not {value!r}."
        )
    return value


def init_app(app: Flask) -> None:
    """With PROXY_FIX_HOPS = n > 0, the client address is the n-th X-Forwarded-For entry
    from the right (the one our outermost proxy appended), and the scheme comes from the
    X-Forwarded-Proto that the outermost, TLS-terminating proxy sets and inner ones pass on.
    Host, port and prefix stay as the proxy connects: it must pass Host through."""
    hops = proxy_hops(app.config)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=1)


def client_address() -> str:
    """The peer address; X-Forwarded-For counts only once a trusted ProxyFix rewrote it."""
    return request.remote_addr or ""
