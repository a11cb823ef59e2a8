"""Throttling of failed logins, codes and second-factor tries, per account and per
address. Only failures are counted: a room of members logging in correctly from
one address never hits a limit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many

from handbook.extensions import limiter


@dataclass(frozen=True)
class Rule:
    scope: str
    account_limits_key: str
    address_limits_key: str


LOGIN = Rule("login", "LOGIN_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")
CODE = Rule("code", "CODE_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")
SECOND_FACTOR = Rule("totp", "CODE_LIMIT_ACCOUNT", "LOGIN_LIMIT_ADDRESS")


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
    if not limiter.enabled:
        return True
    return all(limiter.limiter.test(item, scope, key)
               for item, scope, key in _checks(rule, account, address))


def failed(rule: Rule, account: str, address: str) -> None:
    if limiter.enabled:
        for item, scope, key in _checks(rule, account, address):
            limiter.limiter.hit(item, scope, key)
