"""Configuration: defaults here, then HANDBOOK_* environment variables, then tests."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
# Host names answered when TRUSTED_HOSTS is unset: the loopback servers of development,
# of the tests (the test client says "localhost") and of gunicorn behind a local proxy.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
# Tests also build requests for other sites under the names reserved for examples (RFC 2606).
TESTING_HOSTS = (*LOOPBACK_HOSTS, ".example")
_MIN_SECRET_LENGTH = 32
_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The app refuses to start with this configuration."""


def defaults(instance_path: str) -> dict:
    return {
        "ENV_NAME": "production",
        "SECRET_KEY": None,
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'handbook.db'}",
        "CONTENT_DIR": str(_ROOT / "content"),
        "SEARCH_INDEX_DIR": str(_ROOT / "search_index"),  # local to each node, never shared
        # How often (s) each gunicorn worker checks the database for publications made
        # on other nodes (search/replica.py, started by gunicorn.conf.py); 0 = never.
        "SEARCH_FOLLOW_SECONDS": 0.5,
        # How often (s) each worker looks for scheduled drafts that are due
        # (editor/scheduler.py); the database lets one of them publish each. 0 = never.
        "PUBLISH_DUE_SECONDS": 10.0,
        # Reverse proxies in front of gunicorn that set X-Forwarded-For; 0 = trust none.
        "PROXY_FIX_HOPS": 0,
        # Host names the site answers to, e.g. "sotay.example.vn", space-separated, port
        # ignored, ".example.vn" for every subdomain; any other Host header is a 400.
        "TRUSTED_HOSTS": None,  # unset: LOOPBACK_HOSTS only
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # editors' uploads get their own limit below
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1000,  # Flask's, stated: 413 past them
        "ATTACHMENTS_DIR": str(Path(instance_path) / "attachments"),  # never under static/
        "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        "WTF_CSRF_TIME_LIMIT": 3600,
        "MARKDOWN_MAX_BYTES": 1024 * 1024,
        "LIBRARY_PAGE_SIZE": 20,
        "CONTENT_CACHE_TTL": 1.0,
        "REPORT_CACHE_SECONDS": 120.0,  # roll-up figures; cell grids are always live
        "API_TOKEN_DAYS": 30,
        "API_CORS_ORIGINS": "",  # e.g. "https://app.example.vn", space-separated; closed if empty
        **ACCOUNT_DEFAULTS,
    }


# Accounts: sessions, password hashing, login throttling (handbook/accounts).
ACCOUNT_DEFAULTS = {
    "SESSION_COOKIE_NAME": "__Host-session",
    "PERMANENT_SESSION_LIFETIME": 14 * 24 * 3600,  # idle limit, checked in the signed cookie
    "SESSION_ABSOLUTE_LIFETIME": 30 * 24 * 3600,  # since login, checked on the server
    "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,  # remember-me is not offered; kept short anyway
    "ARGON2_TIME_COST": 2,  # OWASP: Argon2id m=19 MiB, t=2, p=1
    "ARGON2_MEMORY_COST": 19456,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URI": "memory://",  # set a redis:// URL in production
    "RATELIMIT_STRATEGY": "moving-window",
    "LOGIN_LIMIT_ACCOUNT": "10 per 15 minutes; 40 per day",
    "LOGIN_LIMIT_ADDRESS": "300 per 15 minutes; 2000 per day",  # CGNAT: many members, one IP
    "CODE_LIMIT_ACCOUNT": "5 per 15 minutes; 20 per day",
    "ACTIVATION_CODE_HOURS": 72,
    "RESET_CODE_HOURS": 24,
    "TOTP_ISSUER": "Sổ tay Đảng viên",
}


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config: defaults, then HANDBOOK_* env vars, then the test mapping."""
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_prefixed_env("HANDBOOK")
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["ENV_NAME"] == "development":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
        # Browsers refuse __Host- cookies without Secure, i.e. over plain http.
        if app.config["SESSION_COOKIE_NAME"].startswith("__Host-"):
            app.config["SESSION_COOKIE_NAME"] = "session"
        app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or DEV_SECRET_KEY
    check_secret_key(app.config)
    set_trusted_hosts(app)


def check_secret_key(config: dict) -> None:
    """Outside development and tests, refuse a missing, short or example key."""
    if config["ENV_NAME"] in ("development", "testing"):
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < _MIN_SECRET_LENGTH or len(set(key)) < 10:
        raise ConfigError(
            "HANDBOOK_SECRET_KEY must be set to at least 32 random characters "
            "in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )


def set_trusted_hosts(app: Flask) -> None:
    """TRUSTED_HOSTS as the list Flask checks every Host header against. Unset, it
    is LOOPBACK_HOSTS: a production site behind its public name then answers 400
    until it is named, rather than build links from whatever Host a client sends."""
    value = app.config["TRUSTED_HOSTS"]
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if value is not None and not (
        isinstance(value, list | tuple) and all(isinstance(host, str) for host in value)
    ):
        raise ConfigError(
            "HANDBOOK_TRUSTED_HOSTS must list host names, separated by "
            f'spaces, e.g. "sotay.example.vn", not {value!r}.'
        )
    if not value and is_production(app.config):
        app.logger.warning(
            "HANDBOOK_TRUSTED_HOSTS is not set: only %s are answered; set it to the site's public host name.",
            ", ".join(LOOPBACK_HOSTS),
        )
    testing = app.config["ENV_NAME"] == "testing"
    app.config["TRUSTED_HOSTS"] = list(value or (TESTING_HOSTS if testing else LOOPBACK_HOSTS))


def is_production(config: dict) -> bool:
    return config["ENV_NAME"] == "production"
