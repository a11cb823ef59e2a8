"""Throttling of failed logins, codes and second-factor tries, per account and per
address. Only failures are counted: a room of members logging in correctly from
one address never hits a limit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItem, parse_many, storage, strategies

_STRATEGIES = {
    "moving-window": strategies.MovingWindowRateLimiter,
    "sliding-window-counter": strategies.SlidingWindowCounterRateLimiter,
    "fixed-window": strategies.FixedWindowRateLimiter,
}


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
    Nothing runs per request; only login, code and second-factor views count."""
    config = app.config
    strategy = _STRATEGIES.get(config["RATELIMIT_STRATEGY"])
    if strategy is None:
        raise ValueError(f"unknown RATELIMIT_STRATEGY {config['RATELIMIT_STRATEGY']!r}")
    app.extensions["handbook.throttle"] = strategy(storage.storage_from_string(
        config["RATELIMIT_STORAGE_URI"]))


def _limiter() -> strategies.RateLimiter:
    return current_app.extensions["handbook.throttle"]


def account_key(username: str) -> str:
    return username.strip().lower()[:64]


def _checks(rule: Rule, account: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
    config = current_app.config
    pairs = ((rule.account_limits_key, f"account:{account_key(account)}"),
             (rule.address_limits_key, f"address:{address}"))
    return [(item, rule.scope, key) for limits_key, key in pairs
            for item in parse_many(config[limits_key])]


def allowed(rule: Rule, account: str, address: str) -> bool:
    """False once the account or the address has used up its failures."""
    return all(_limiter().test(item, scope, key)
               for item, scope, key in _checks(rule, account, address))


def failed(rule: Rule, account: str, address: str) -> None:
    for item, scope, key in _checks(rule, account, address):
        _limiter().hit(item, scope, key)
