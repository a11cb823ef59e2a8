"""CSRF on every state-changing route of the URL map, with protection switched on: no
token, a token from another session and an expired token are all refused and change
nothing; the same requests with the right token get through. The JSON API takes no
cookie at all, which is why it needs no token."""

from __future__ import annotations

from types import SimpleNamespace

import itsdangerous.timed
import pytest
from sqlalchemy import select

from handbook.accounts.vocabulary import CELL
from handbook.app_db import get_db
from handbook.db import Base
from handbook.error_pages import CSRF_TITLE
from tests import factories
from tests.security.conftest import build_url, form_token, rules
from tests.web.test_access_matrix import declared

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Who sends each route: the least privileged role its declared policy lets in.
PREFERENCE = ("member", "secretary", "committee", "editor", "admin")
SIGN_OUTS = {"accounts.logout"}
LOGIN = "/dang-nhap"


@pytest.fixture
def app(app):
    """The suite's app with CSRF protection on, as in production, before any request.
    (Flask-WTF reads the switch on each request; the suite's default turns it off.)"""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def login(client, username: str, secret: str | None = None):
    """Log in through the real forms, each with the token its page carries."""
    response = client.post(
        LOGIN,
        data={
            "ten_dang_nhap": username,
            "mat_khau": factories.PASSWORD,
            "csrf_token": form_token(client, LOGIN),
        },
    )
    assert response.status_code == 302, response.status_code
    if secret:
        step = "/dang-nhap/xac-thuc"
        response = client.post(
            step, data={"ma": factories.totp_now(secret), "csrf_token": form_token(client, step)}
        )
        assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def clients(library, member, role_users) -> dict:
    made = {"anon": library.test_client(), "member": login(library.test_client(), member.username)}
    for name, (user, secret) in role_users.items():
        made[name] = login(library.test_client(), user.username, secret)
    return made


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, to compare before and after a refused request."""
    with get_db(app).sessions() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def sender(app, endpoint: str) -> str:
    allowed = declared(app, endpoint)
    if "member" in allowed and "anon" in allowed:
        return "anon"  # the login forms: login CSRF is refused too
    return next(role for role in PREFERENCE if role in allowed)


def form_rules(app):
    """Every state-changing rule outside the bearer-token API; sign-outs last."""
    found = [r for r in rules(app, CHANGING) if not r.rule.startswith("/api/")]
    return sorted(found, key=lambda r: r.endpoint in SIGN_OUTS)


def send(client, rule, url: str, data: dict | None = None):
    method = next(m for m in ("POST", "PUT", "PATCH", "DELETE") if m in rule.methods)
    return client.open(url, method=method, data=data or {})


def is_csrf_refusal(response) -> bool:
    return response.status_code == 400 and CSRF_TITLE in response.get_data(as_text=True)


@pytest.fixture
def later(monkeypatch, library):
    """Call to move itsdangerous's clock, which dates CSRF tokens (and session cookies,
    which live for days), past the tokens' lifetime."""
    now, limit = itsdangerous.timed.time.time, library.config["WTF_CSRF_TIME_LIMIT"]
    clock = SimpleNamespace(time=lambda: now() + limit + 1)
    return lambda: monkeypatch.setattr(itsdangerous.timed, "time", clock)


@pytest.mark.parametrize("token", ["none", "other session", "expired"])
def test_every_state_changing_form_refuses_a_bad_token_and_changes_nothing(
    library, clients, real_ids, later, token
):
    tokens = {role: form_token(client, LOGIN if role == "anon" else "/") for role, client in clients.items()}
    if token == "expired":
        later()
    before, failures = snapshot(library), []
    for rule in form_rules(library):
        role, url = sender(library, rule.endpoint), build_url(rule, real_ids)
        data = {
            "none": {},
            "expired": {"csrf_token": tokens[role]},
            "other session": {"csrf_token": tokens["admin" if role != "admin" else "member"]},
        }
        response = send(clients[role], rule, url, data[token])
        after = snapshot(library)
        if not is_csrf_refusal(response) or after != before:
            failures.append(
                f"{role:9} {rule.rule} → {response.status_code}, changed {changed_tables(before, after)}"
            )
        before = after
    assert not failures, "\n".join(failures)
    assert len(form_rules(library)) > 40


def test_the_right_token_gets_every_route_past_the_check(library, clients, real_ids):
    """Control: the refusals above come from the token alone. (Tokens are read first:
    some routes end the very sessions that later requests use.)"""
    tokens = {role: form_token(client, LOGIN if role == "anon" else "/") for role, client in clients.items()}
    for rule in form_rules(library):
        role = sender(library, rule.endpoint)
        response = send(clients[role], rule, build_url(rule, real_ids), {"csrf_token": tokens[role]})
        assert not is_csrf_refusal(response), rule.rule


# Representative changes: each refused above leaves its rows untouched; here the same
# request with the right token changes them, so that check could have failed.
CHANGES = [
    (
        "admin.unit_create",
        "admin",
        {"ma": "HU-XA-9", "ten": "Chi bộ ấp 9", "cap": CELL, "ma_cap_tren": "HU-XA"},
        "units",
    ),
    ("admin.unit_rename", "admin", {"ten": "Chi bộ ấp Một"}, "units"),
    ("admin.member_update", "admin", {"ho_ten": "Nguyễn Văn Bình", "ma_dang_vien": ""}, "users"),
    ("attachments.remove", "editor", {}, "attachments"),
    ("admin.member_deactivate", "admin", {}, "users"),
    ("accounts.logout", "secretary", {}, "users"),  # rotates the session version
]


@pytest.mark.parametrize("with_token", [False, True])
def test_representative_changes_happen_only_with_the_right_token(library, clients, real_ids, with_token):
    by_endpoint = {r.endpoint: r for r in form_rules(library)}
    for endpoint, role, data, table in CHANGES:
        rule, client = by_endpoint[endpoint], clients[role]
        if with_token:
            data = {**data, "csrf_token": form_token(client)}
        before = snapshot(library)
        response = send(client, rule, build_url(rule, real_ids), data)
        changed = changed_tables(before, snapshot(library))
        if with_token:
            assert table in changed and response.status_code in (302, 303), endpoint
        else:
            assert is_csrf_refusal(response) and not changed, endpoint


def test_login_needs_the_token_of_its_own_session(library, member):
    client, other = library.test_client(), library.test_client()
    fields = {"ten_dang_nhap": member.username, "mat_khau": factories.PASSWORD}
    assert is_csrf_refusal(client.post(LOGIN, data=fields))
    foreign = form_token(other, LOGIN)
    assert is_csrf_refusal(client.post(LOGIN, data={**fields, "csrf_token": foreign}))
    response = client.post(LOGIN, data={**fields, "csrf_token": form_token(client, LOGIN)})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_json_refusal_tells_an_expired_token_apart(library, clients, later):
    client = clients["member"]
    token = form_token(client)
    batch = {
        "events": [
            {
                "id": "web-event-0001",
                "document": "quy-dinh-37",
                "anchor": "",
                "seconds": 5,
                "occurred_at": "2024-01-01T00:00:00+07:00",
            }
        ]
    }
    headers = {"Accept": "application/json"}
    missing = client.post("/hoc-tap/tien-do", json=batch, headers=headers)
    assert missing.status_code == 400 and missing.json["error"]["code"] == "csrf_invalid"
    later()
    expired = client.post("/hoc-tap/tien-do", json=batch, headers={**headers, "X-CSRFToken": token})
    assert expired.status_code == 400 and expired.json["error"]["code"] == "csrf_expired"


def test_cross_site_beacon_is_refused_even_with_a_token(library, clients):
    client = clients["member"]
    before = snapshot(library)
    plain = client.post(
        "/hoc-tap/tien-do",
        data='{"events": []}',
        content_type="text/plain",
        headers={"X-CSRFToken": form_token(client), "Sec-Fetch-Site": "cross-site"},
    )
    assert plain.status_code in (400, 403) and snapshot(library) == before


def test_the_api_ignores_the_session_cookie_so_it_needs_no_token(library, clients, real_ids):
    before, failures = snapshot(library), []
    api_rules = [r for r in rules(library, CHANGING) if r.rule.startswith("/api/")]
    assert len(api_rules) >= 5
    for rule in api_rules:
        url = build_url(rule, real_ids)
        for role in ("member", "admin"):
            client = clients[role]
            response = send(client, rule, url, {"csrf_token": form_token(client)})
            public = rule.endpoint == "api.issue_token"  # needs a password in the body
            refused = response.status_code in ((400, 401, 422) if public else (401,))
            if not refused or snapshot(library) != before:
                failures.append(f"{role} {rule.rule} → {response.status_code}")
    assert not failures, "\n".join(failures)


def test_safe_and_unknown_methods_on_changing_routes_are_refused(library, clients, real_ids):
    before, failures = snapshot(library), []
    readable = {r.rule for r in rules(library, {"GET"})}
    for rule in form_rules(library):
        if rule.rule in readable:
            continue
        client = clients[sender(library, rule.endpoint)]
        for method in ("GET", "HEAD", "TRACE"):
            response = client.open(build_url(rule, real_ids), method=method)
            if response.status_code != 405:
                failures.append(f"{method} {rule.rule} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert snapshot(library) == before


def test_an_expired_form_says_what_happened_and_leads_back_to_the_page(library, clients, later):
    client = clients["member"]
    token = form_token(client, "/thong-bao")
    later()
    page = "http://localhost/thong-bao"
    answer = client.post("/thong-bao/da-doc-het", data={"csrf_token": token}, headers={"Referer": page})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and CSRF_TITLE in html
    assert '<a href="/thong-bao">Mở lại trang vừa dùng để gửi lại</a>' in html
    foreign = client.post(
        "/thong-bao/da-doc-het",
        data={"csrf_token": token},
        headers={"Referer": "https://evil.example/thong-bao"},
    )
    assert "evil.example" not in foreign.get_data(as_text=True)
    sneaky = client.post(
        "/thong-bao/da-doc-het",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost//evil.example/thong-bao"},
    )
    assert "evil.example" not in sneaky.get_data(as_text=True)
