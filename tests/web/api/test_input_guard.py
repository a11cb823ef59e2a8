"""Text no database stores (NUL, lone surrogates) is refused at the door with a 400,
on SQLite and PostgreSQL alike, never a 500 from the driver."""

from __future__ import annotations

import pytest

from tests.web.api.conftest import BASE, sign_in


@pytest.mark.parametrize("field", ["ten_dang_nhap", "mat_khau"])
def test_a_nul_in_a_form_is_a_400(anon_client, member, field):
    form = {"ten_dang_nhap": member.username, "mat_khau": "x", field: "ab\x00c"}
    response = anon_client.post("/dang-nhap", data=form)
    assert response.status_code == 400
    assert "không hợp lệ" in response.get_data(as_text=True)


def test_a_nul_in_the_query_string_is_a_400(client):
    assert client.get("/?loai=Ngh%00i").status_code == 400
    assert client.get("/tim-kiem?q=dang%00vien").status_code == 400


def test_the_api_treats_such_names_as_unknown(api, member_auth, member):
    assert sign_in(api, "nguyen\x00van").status_code == 401
    assert sign_in(api, "\udc00").status_code == 401
    listed = api.get(f"{BASE}/documents?type=Ngh%00", headers=member_auth)
    assert listed.status_code == 200 and listed.get_json()["items"] == []
