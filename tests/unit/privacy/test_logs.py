"""Log redaction: secrets in messages, arguments, exceptions and request data."""

from __future__ import annotations

import logging

import pytest

from handbook.privacy import logs
from handbook.privacy.logs import REDACTED

TOKEN = "stdv_" + "Ab3-_x" * 7 + "Z"
COOKIE = ".eJwlzjEOwjAMAdC7ZGZwbMe1exkUx7ZgbdUJcXckOMHT_tj0fh8mW.Zx4ZkA.kH3d8Jv6Ydfs-_9dDqm"
PASSWORD = "Học tập và làm theo 2024"
CODE = "7KQ2-M9XD-4TRB"


@pytest.fixture
def redacting():
    """The redaction installed for the test, and the process's factory restored after."""
    previous = logging.getLogRecordFactory()
    logs.install()
    yield
    logging.setLogRecordFactory(previous)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"Authorization: Bearer {TOKEN}", TOKEN),
        (f"headers=[('Authorization', 'Bearer {TOKEN}'), ('Host', 'localhost')]", TOKEN),
        (f"issued {{'token': '{TOKEN}', 'token_type': 'Bearer'}}", TOKEN),
        (f"Cookie: theme=dark; session={COOKIE}", COOKIE),
        (f"Set-Cookie: __Host-session={COOKIE}; Secure; HttpOnly; Path=/", COOKIE),
        (f"cookie value {COOKIE} seen", COOKIE),
        (f"form=[('ten_dang_nhap', 'nguyen.van.an'), ('mat_khau', '{PASSWORD}')]", PASSWORD),
        (f'{{"username": "nguyen.van.an", "password": "{PASSWORD}"}}', PASSWORD),
        ("POST /dang-nhap mat_khau_moi=Hoc+tap+2024&nhap_lai=Hoc+tap+2024", "Hoc+tap+2024"),
        (f"redeeming code {CODE} for nguyen.van.an", CODE),
        (f"redeeming ma={CODE.lower()}", CODE.lower()),
    ],
)
def test_secrets_are_redacted_from_text(text, secret):
    clean = logs.redact(text)
    assert secret not in clean and REDACTED in clean


def test_ordinary_text_is_left_alone():
    text = "authz_denied user=7 endpoint=admin.members_list id=550e8400-e29b-41d4-a716-446655440000"
    assert logs.redact(text) == text


def test_every_logger_redacts_message_arguments_and_exceptions(redacting, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy")  # WARNING unless asked
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine.Engine").info("params %r", {"token": TOKEN})
    logging.getLogger("werkzeug").debug("Authorization: Bearer %s", TOKEN)
    try:
        raise ValueError(f"bad cookie {COOKIE}")
    except ValueError:
        logging.getLogger("handbook.x").exception("failed with code %s", CODE)
    assert len(caplog.records) == 3
    assert all(s not in caplog.text for s in (TOKEN, COOKIE, CODE)) and REDACTED in caplog.text


def test_secrets_a_request_carried_are_redacted_even_in_free_text(redacting, app, caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("handbook.x")
    with app.test_request_context(
        "/dang-nhap",
        method="POST",
        headers={"Cookie": f"s={COOKIE}"},
        data={"ten_dang_nhap": "nguyen.van.an", "mat_khau": PASSWORD},
    ):
        from flask import request

        log.info("before the view reads the form")
        assert "form" not in request.__dict__  # logging never parses the body
        log.warning(
            "login by %s with %s, cookie %s",
            request.form["ten_dang_nhap"],
            request.form["mat_khau"],
            request.cookies["s"],
        )
    assert PASSWORD not in caplog.text and COOKIE not in caplog.text
    assert "login by nguyen.van.an with [redacted]" in caplog.text


def test_installing_twice_wraps_once(redacting):
    factory = logging.getLogRecordFactory()
    logs.install()
    assert logging.getLogRecordFactory() is factory
