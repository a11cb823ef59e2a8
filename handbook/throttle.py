"""Throttling of failed logins, codes and second-factor tries, per account and per
address. Only failures are counted: a room of members logging in correctly from
one address never hits a limit.

A try is reserved before the secret is checked and given back when it succeeds, so
concurrent tries can never check more secrets than a limit allows: the reservation
is one atomic hit of a moving window (a lock in memory://, a Lua script on Redis).
With memory:// each process still counts on its own (see docs/deployment.md)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse_many, storage, strategies

# Giving a try back removes one entry from a moving window; other strategies have none.
STRATEGY = "moving-window"
_RELEASABLE = (storage.MemoryStorage, storage.RedisStorage)  # Redis Sentinel and Cluster too


@dataclass(frozen=True)
class Rule:
    scope: str
    account_limits_key: str
    address_limits_key: str


LOGIN = Rule("login", "LOGIN_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")
CODE = Rule("code", "CODE_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")
SECOND_FACTOR = Rule("totp", "CODE_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")


def init_app(app: Flask) -> None:
    """One counter store per app: memory:// for one process, redis:// shared by all nodes.
    Nothing runs per request; only login, code and second-factor views count.
    Raises ValueError for a strategy or a store that cannot give a try back."""
    config = app.config
    if config["RATELIMIT_STRATEGY"] != STRATEGY:
        raise ValueError(f"RATELIMIT_STRATEGY must be {STRATEGY!r}, not {config['RATELIMIT_STRATEGY']!r}")
    uri = config["RATELIMIT_STORAGE_URI"]
    kind = storage.SCHEMES.get(urllib.parse.urlparse(uri).scheme)
    if kind is None or not issubclass(kind, _RELEASABLE):
        raise ValueError("RATELIMIT_STORAGE_URI must be memory:// or a Redis URL")
    app.extensions["handbook.throttle"] = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))
    if config["ENV_NAME"] == "production" and uri.startswith("memory://"):
        # Each worker would count failures on its own: the limits multiply by workers.
        app.logger.warning(
            "HANDBOOK_RATELIMIT_STORAGE_URI is memory://; set a redis:// URL "
            "so login throttling is shared by all workers."
        )


def _limiter() -> strategies.MovingWindowRateLimiter:
    return current_app.extensions["handbook.throttle"]


def account_key(username: str) -> str:
    return username.strip().lower()[:64]


def _checks(rule: Rule, account: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
    config = current_app.config
    pairs = (
        (rule.account_limits_key, f"account:{account_key(account)}"),
        (rule.address_limits_key, f"address:{address}"),
    )
    return [(item, rule.scope, key) for limits_key, key in pairs for item in parse_many(config[limits_key])]


def reserve(rule: Rule, account: str, address: str) -> bool:
    """Take one try from every limit of the account and of the address, atomically for
    each limit; False, with nothing taken, once any of them is used up. The caller
    checks the secret only after True, and calls release() if it was right."""
    limiter, taken = _limiter(), []
    for item, scope, key in _checks(rule, account, address):
        if not limiter.hit(item, scope, key):
            for done in taken:
                _give_back(*done)
            return False
        taken.append((item, scope, key))
    return True


def release(rule: Rule, account: str, address: str) -> None:
    """Give back the try reserve() took: it succeeded, or it checked nothing."""
    for item, scope, key in _checks(rule, account, address):
        _give_back(item, scope, key)


def _give_back(item: RateLimitItem, scope: str, key: str) -> None:
    # Entries are timestamps, newest first; removing the newest rather than this try's
    # own shifts one expiry by the milliseconds between two concurrent tries.
    store, window = _limiter().storage, item.key_for(scope, key)
    if isinstance(store, storage.RedisStorage):
        store.get_connection().lpop(store.prefixed_key(window))
        return
    with store.locks[window]:
        if events := store.events.get(window):
            del events[0]


def allowed(rule: Rule, account: str, address: str) -> bool:
    """False once the account or the address has used up its failures. Not atomic with
    failed(): only for counting that guards no secret (the search budget); every check
    of a password or a code uses reserve()."""
    return all(_limiter().test(item, scope, key) for item, scope, key in _checks(rule, account, address))


def failed(rule: Rule, account: str, address: str) -> None:
    for item, scope, key in _checks(rule, account, address):
        _limiter().hit(item, scope, key)
