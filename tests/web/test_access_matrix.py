"""Role × route matrix over every URL rule (deny by default), and cross-unit access."""

from __future__ import annotations

import pytest

from handbook import policies
from handbook.accounts import members, principal
from handbook.accounts.audit import Actor
from handbook.app_db import get_db
from tests.conftest import login

UNIT_VIEWERS = {"secretary", "committee", "admin"}
LOGGED_IN = {"member", "secretary", "committee", "editor", "admin"}
EVERYONE = LOGGED_IN | {"anon"}
# The roles each test client holds (see the role_users fixture).
HELD = {
    "anon": set(),
    "member": {"member"},
    "secretary": {"member", "secretary"},
    "committee": {"member", "committee_viewer"},
    "editor": {"member", "editor"},
    "admin": {"member", "admin"},
}

# Pinned expectations ("blueprint.*" covers a whole blueprint). Other features'
# routes are checked against the policy their view declares; a route that
# declares none fails the build.
EXPECTED = {
    "accounts.login": EVERYONE,
    "accounts.login_second_factor": EVERYONE,
    "accounts.activate": EVERYONE,
    "accounts.logout": LOGGED_IN,
    "accounts.profile": LOGGED_IN,
    "accounts.change_password": LOGGED_IN,
    "accounts.second_factor": LOGGED_IN,
    "accounts.my_units": UNIT_VIEWERS,
    "accounts.unit": UNIT_VIEWERS,
    "content.*": LOGGED_IN,
    "search.*": LOGGED_IN,
    "admin.*": {"admin"},
}
MISSING = 999_999
# Their success is a redirect to the login page (logged out; no login half-done).
ENDS_AT_LOGIN = {"accounts.logout", "accounts.login_second_factor"}


def declared(app, endpoint: str) -> set[str] | None:
    policy = policies.policy_of(app, endpoint)
    if policy is None:
        return None
    if policy.name == "public":
        return EVERYONE
    if policy.name == "member":
        return LOGGED_IN
    return {name for name, held in HELD.items() if held & policy.roles}


def expected_for(app, endpoint: str) -> set[str] | None:
    pinned = EXPECTED.get(endpoint, EXPECTED.get(endpoint.split(".")[0] + ".*"))
    return pinned if pinned is not None else declared(app, endpoint)


# Signing out ends the client's session or token: checked last.
SIGN_OUTS = {"accounts.logout", "api.revoke_current_token"}


def rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.endpoint in SIGN_OUTS, r.endpoint),
    )


def test_every_route_declares_a_policy_and_is_in_the_matrix(app):
    for rule in rules(app):
        assert policies.policy_of(app, rule.endpoint) is not None, (
            f"{rule.endpoint} has no access policy decorator"
        )
        pinned = EXPECTED.get(rule.endpoint, EXPECTED.get(rule.endpoint.split(".")[0] + ".*"))
        assert pinned is None or pinned == declared(app, rule.endpoint), (
            f"{rule.endpoint}: declared policy differs from EXPECTED"
        )


def test_a_route_without_policy_is_denied(library, member):
    library.add_url_rule("/khong-chinh-sach", "no_policy", lambda: "bí mật")
    client = login(library.test_client(), member.username)
    response = client.get("/khong-chinh-sach")
    assert response.status_code == 403 and "bí mật" not in response.get_data(as_text=True)


def _url(rule, tree, member) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "unit_id":
            values[arg] = MISSING if "POST" in rule.methods and "GET" not in rule.methods else tree.cell_a.id
        elif arg == "user_id":
            values[arg] = MISSING if "GET" not in rule.methods else member.id
        elif arg.endswith("_id") or arg == "number":  # integer path parts
            values[arg] = MISSING
        else:
            values[arg] = "quy-dinh-37"
    return rule.build(values)[1]


def _call(client, rule, url, headers=None):
    if "GET" in rule.methods:
        return client.get(url, headers=headers)
    if "DELETE" in rule.methods:
        return client.delete(url, headers=headers)
    return client.post(url, data={}, headers=headers)


def _to_login(response) -> bool:
    return response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def _as_expected(role: str, allowed: set[str], endpoint: str, response) -> bool:
    status = response.status_code
    if role in allowed:
        return status not in (401, 403) and (
            role == "anon" or endpoint in ENDS_AT_LOGIN or not _to_login(response)
        )
    if role == "anon":
        return status == 401 or _to_login(response)
    return status == 403


def test_role_route_matrix(app, clients, bearers, tree, member):
    failures = []
    for rule in rules(app):
        url, allowed = _url(rule, tree, member), expected_for(app, rule.endpoint)
        for role, client in clients.items():
            api = rule.endpoint.startswith("api.")
            response = _call(client, rule, url, bearers[role] if api else None)
            if not _as_expected(role, allowed, rule.endpoint, response):
                failures.append(f"{role:9} {rule.endpoint:32} {url} → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("unit_attr", ["cell_b", "cell_c", "grassroots", "province"])
def test_secretary_cannot_see_other_units(clients, tree, unit_attr):
    other = getattr(tree, unit_attr)
    response = clients["secretary"].get(f"/don-vi/{other.id}")
    assert response.status_code == 404
    assert other.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("unit_id", [0, MISSING, 2**31, 10**15])
def test_guessed_unit_ids_look_missing(clients, unit_id):
    for role in ("secretary", "committee"):
        assert clients[role].get(f"/don-vi/{unit_id}").status_code == 404
    assert clients["anon"].get("/don-vi/-1").status_code == 404


def test_secretary_sees_own_cell_and_committee_its_subtree(clients, tree, member):
    html = clients["secretary"].get(f"/don-vi/{tree.cell_a.id}").get_data(as_text=True)
    assert "Chi bộ ấp 1" in html and "Nguyễn Văn An" in html
    for unit in (tree.committee, tree.grassroots, tree.cell_a, tree.cell_b):
        assert clients["committee"].get(f"/don-vi/{unit.id}").status_code == 200
    for unit in (tree.province, tree.other_committee, tree.cell_c):
        assert clients["committee"].get(f"/don-vi/{unit.id}").status_code == 404


def test_unit_page_trail_stops_at_the_viewers_scope(clients, tree):
    html = clients["committee"].get(f"/don-vi/{tree.cell_a.id}").get_data(as_text=True)
    assert "Đảng bộ huyện Đồng Phú" in html and "Tỉnh ủy thử" not in html


def test_transferred_secretary_loses_the_old_cell_at_once(app, clients, tree, role_users):
    secretary, _ = role_users["secretary"]
    client = clients["secretary"]
    assert client.get(f"/don-vi/{tree.cell_a.id}").status_code == 200
    with app.app_context(), get_db(app).transaction() as tx:
        members.transfer(tx, Actor.system("test"), secretary.id, tree.cell_b.id)
    assert client.get(f"/don-vi/{tree.cell_a.id}").status_code in (403, 404)
    assert client.get(f"/don-vi/{tree.cell_b.id}").status_code in (403, 404)


def test_permission_check_failing_fails_closed(app, clients, tree, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(principal, "load", broken)
    response = clients["admin"].get(f"/don-vi/{tree.cell_a.id}")
    assert response.status_code == 500
    assert "Chi bộ ấp 1" not in response.get_data(as_text=True)


def test_anonymous_json_requests_get_401(anon_client):
    response = anon_client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.is_json


def test_navigation_shows_each_role_its_tools_and_marks_the_current_page(clients):
    member_page = clients["member"].get("/hoc-tap").get_data(as_text=True)
    admin_page = clients["admin"].get("/").get_data(as_text=True)
    assert 'href="/hoc-tap" aria-current="page"' in member_page
    assert "Quản trị" not in member_page and "Báo cáo" not in member_page
    assert "Quản trị" in admin_page and 'href="/" aria-current="page"' in admin_page
