"""Host-header poisoning (D6): a Host outside TRUSTED_HOSTS is a 400, never echoed."""

from __future__ import annotations

import logging
import secrets

import pytest

from handbook.app import create_app
from handbook.config import ConfigError

EVIL = "evil.com"
BAD_REQUEST = "Yêu cầu không hợp lệ"


@pytest.mark.parametrize(
    "path",
    [
        "/",  # anonymous: redirected to the login page
        "/quan-tri",  # Werkzeug's trailing-slash redirect builds an absolute URL from Host
        "/dang-nhap",
    ],
)
def test_an_untrusted_host_gets_the_vietnamese_400_page(anon_client, path):
    response = anon_client.get(path, headers={"Host": EVIL})
    assert response.status_code == 400 and "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert BAD_REQUEST in page and EVIL not in page


def test_an_untrusted_host_gets_a_json_400_from_the_api(anon_client):
    response = anon_client.post("/api/v1/auth/token", json={}, headers={"Host": f"{EVIL}:443"})
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


def test_a_signed_in_member_is_refused_too(clients):
    response = clients["member"].get("/hoc-tap", headers={"Host": EVIL})
    assert response.status_code == 400 and BAD_REQUEST in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8000"])
def test_loopback_hosts_are_answered_whatever_the_port(anon_client, host):
    response = anon_client.get("/quan-tri", headers={"Host": host})
    assert response.status_code == 308 and response.headers["Location"].endswith("/quan-tri/")
    elsewhere = host.replace("localhost", EVIL).replace("127.0.0.1", EVIL)
    assert anon_client.get("/quan-tri", headers={"Host": elsewhere}).status_code == 400


def test_x_forwarded_host_neither_launders_nor_poisons_the_host(anon_client):
    laundered = anon_client.get("/quan-tri", headers={"Host": EVIL, "X-Forwarded-Host": "localhost"})
    assert laundered.status_code == 400
    poisoned = anon_client.get("/quan-tri", headers={"X-Forwarded-Host": EVIL})
    assert poisoned.status_code == 308 and EVIL not in poisoned.headers["Location"]


def production_app(tmp_path, **config):
    return create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            **config,
        }
    )


def test_the_public_host_names_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDBOOK_TRUSTED_HOSTS", "sotay.example.vn .tinhuy.example.vn")
    app = production_app(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["sotay.example.vn", ".tinhuy.example.vn"]
    client = app.test_client()
    assert client.get("/quan-tri", headers={"Host": "sotay.example.vn"}).status_code == 308
    assert client.get("/quan-tri", headers={"Host": "hoc.tinhuy.example.vn"}).status_code == 308
    assert client.get("/quan-tri", headers={"Host": "localhost"}).status_code == 400


def test_production_without_the_setting_answers_loopback_only_and_warns(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        app = production_app(tmp_path)
    assert "HANDBOOK_TRUSTED_HOSTS" in caplog.text
    assert app.test_client().get("/quan-tri", headers={"Host": EVIL}).status_code == 400


@pytest.mark.parametrize("value", [5, [".vn", 1]])
def test_a_malformed_setting_stops_the_start(tmp_path, value):
    with pytest.raises(ConfigError):
        production_app(tmp_path, TRUSTED_HOSTS=value)
