"""No password, bearer token, cookie or one-time code in any log.

The redaction is installed as the process's log record factory, so it rewrites every
record of every logger (the app's, Flask's, Werkzeug's, SQLAlchemy's, Gunicorn's)
whatever handlers are attached, now or later: a filter on a logger misses the records
its children propagate, and a filter on a handler misses handlers added afterwards.

A record's message is formatted once, when it is made, and rewritten when it holds
- the value of a sensitive field (password, mat_khau…, nhap_lai, token, code, ma,
  secret, session, cookie, authorization) as key=value, "key": "value" or
  ('key', 'value');
- a bearer token (stdv_…), `Bearer …`/`Basic …` credentials, a signed cookie
  (itsdangerous or JWT form), a one-time code (three dash-separated groups of four);
- inside a request, the exact Authorization and cookie values the request carried,
  and the sensitive form fields the view has read, wherever they appear.
Exception text and stack are rewritten the same way. Fields passed with `extra=`
are not: keep secrets out of them.
"""

from __future__ import annotations

import logging
import re
import traceback

from flask import has_request_context, request

REDACTED = "[redacted]"
_MARK = "_handbook_redacts"

_KEYS = (
    r"(?:http_)?(?:password|passwd|pwd|mat_khau\w*|nhap_lai|secret|totp_secret|token|"
    r"access_token|csrf_token|code|ma|session|remember_token|authorization|"
    r"proxy-authorization|cookie|set-cookie)"
)
_VALUE = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,;&)}\]]+)"""
_CODE_CHAR = "[0-9A-HJKMNP-TV-Z]"  # codes.ALPHABET, either case

_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    # 'password': '…' and ('mat_khau', '…'): a quoted key, then : or ,
    (
        re.compile(rf"""(?P<q>['"])(?P<key>{_KEYS})(?P=q)(?P<sep>\s*[:,]\s*){_VALUE}""", re.IGNORECASE),
        rf"\g<q>\g<key>\g<q>\g<sep>{REDACTED}",
    ),
    # password=… and Authorization: …
    (
        re.compile(rf"\b(?P<key>{_KEYS})\b(?P<sep>\s*[=:]\s*){_VALUE}", re.IGNORECASE),
        rf"\g<key>\g<sep>{REDACTED}",
    ),
    (re.compile(r"\bstdv_[\w-]+"), f"stdv_{REDACTED}"),
    (re.compile(r"\b(?P<scheme>Bearer|Basic)\s+[\w.~+/=-]+", re.IGNORECASE), rf"\g<scheme> {REDACTED}"),
    (re.compile(r"(?<![\w.])\.?e(?:yJ|J)[\w-]{4,}\.[\w-]{4,}\.[\w-]{10,}"), REDACTED),
    (
        re.compile(
            rf"(?<![\w-]){_CODE_CHAR}{{4}}-{_CODE_CHAR}{{4}}-{_CODE_CHAR}{{4}}(?![\w-])", re.IGNORECASE
        ),
        REDACTED,
    ),
)
_SENSITIVE_FIELD = re.compile(rf"{_KEYS}", re.IGNORECASE)
_MIN_SECRET = 4  # shorter request values are not searched for: they would match anywhere


def _request_secrets() -> list[str]:
    """Secrets the current request carried, longest first."""
    if not has_request_context():
        return []
    credentials = request.headers.get("Authorization", "")
    found = [credentials, credentials.partition(" ")[2], request.headers.get("Cookie", "")]
    found += request.cookies.values()
    form = request.__dict__.get("form")  # only once the view has read it: never parse here
    if form is not None:
        found += [
            value for name, values in form.lists() if _SENSITIVE_FIELD.fullmatch(name) for value in values
        ]
    return sorted({v for v in found if len(v) >= _MIN_SECRET}, key=len, reverse=True)


def redact(text: str, known: list[str] | tuple[str, ...] = ()) -> str:
    """text with every secret it shows replaced by [redacted]."""
    for secret in known:
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_record(record: logging.LogRecord) -> None:
    known = _request_secrets()
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: the handler reports it as usual
        return
    clean = redact(message, known)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip(), known)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, known)


def install() -> None:
    """Wrap the current record factory once per process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    setattr(factory, _MARK, True)
    logging.setLogRecordFactory(factory)
