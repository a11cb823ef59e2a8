"""Search's rate limit at the HTTP boundary: costly searches counted per account and per
address in the app's shared counter store (handbook/throttle.py, memory:// or Redis).

Only costly searches count, as only failures count for logins: a query longer than
LONG_QUERY_CHARS (counted before it runs) or a search that took longer than
COSTLY_SECONDS. Members typing a few words never meet the limit, while an account
sending long questions is refused with 429 once it used its allowance, on the page,
its JSON twin and the API alike."""

from __future__ import annotations

import time

from flask import Flask, g, request
from flask_login import current_user

from handbook import throttle
from handbook.errors import TooManyAttempts
from handbook.proxy import client_address

COSTLY_SECONDS = 0.1  # a normal search takes 5–30 ms on the library
LONG_QUERY_CHARS = 100  # a few words are under 40; a pasted paragraph is not
SEARCH = throttle.Rule("search", "SEARCH_LIMIT_ACCOUNT", "SEARCH_LIMIT_ADDRESS")
DEFAULTS = {
    "SEARCH_LIMIT_ACCOUNT": "10 per minute; 100 per hour",
    "SEARCH_LIMIT_ADDRESS": "60 per minute; 600 per hour",  # CGNAT: many members, one IP
}
ENDPOINTS = frozenset({"search.results", "search.results_json", "api.search"})
_STARTED = "search_started"


class SearchThrottled(TooManyAttempts):
    title = "Bạn tìm kiếm quá nhiều câu hỏi dài trong thời gian ngắn"

    def __init__(self) -> None:
        super().__init__(
            "Vui lòng chờ khoảng một phút rồi tìm lại, hoặc rút gọn câu tìm kiếm thành vài từ chính."
        )


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.before_request(_before)
    app.after_request(_after)


def _who() -> tuple[str, str] | None:
    """(account, address) of a signed-in member on a search endpoint; None otherwise
    (access control refuses the others before any search runs)."""
    if request.endpoint not in ENDPOINTS or not current_user.is_authenticated:
        return None
    return f"uid:{current_user.id}", client_address()


def _before() -> None:
    who = _who()
    if who is None:
        return
    if not throttle.allowed(SEARCH, *who):
        raise SearchThrottled()
    if len(request.args.get("q", "").strip()) > LONG_QUERY_CHARS:
        throttle.failed(SEARCH, *who)  # counted now: concurrent floods meet the limit too
    else:
        g.setdefault(_STARTED, time.perf_counter())


def _after(response):
    started = g.pop(_STARTED, None)
    if started is not None and time.perf_counter() - started > COSTLY_SECONDS:
        who = _who()
        if who is not None:
            throttle.failed(SEARCH, *who)
    return response
