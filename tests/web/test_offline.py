"""Offline reading over HTTP: the manifest and its icons, the service worker script,
the offline page and the keep-list a member's worker asks for."""

from __future__ import annotations

import re
import struct
from datetime import timedelta
from pathlib import Path

import pytest

from handbook.offline import pwa
from tests import factories
from tests.conftest import login
from tests.unit.study.helpers import make_campaign, revise, today

CSS = Path(__file__).parents[2] / "handbook" / "static" / "handbook.css"


def css_colour(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-f]{{6}})", CSS.read_text()).group(1)


def static_file(client, url: str):
    """A static file's response, read and closed (files are streamed)."""
    with client.get(url) as response:
        response.get_data()
        return response


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def campaign(library, tree):
    return make_campaign(library, [tree.grassroots], ["quy-dinh-37", "nghi-quyet-35"])


def kept(client) -> dict:
    response = client.get("/ngoai-tuyen/van-ban.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_manifest_describes_an_installable_app(anon_client):
    response = anon_client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    body = response.get_json()
    assert body["name"] == "Sổ tay Đảng viên" and body["short_name"]
    assert (body["start_url"], body["scope"], body["display"], body["lang"]) == ("/", "/", "standalone", "vi")
    assert body["theme_color"] == css_colour("red") and body["background_color"] == css_colour("paper")


def test_the_manifest_icons_are_pngs_of_their_stated_sizes(anon_client):
    icons = anon_client.get("/manifest.webmanifest").get_json()["icons"]
    assert {(i["sizes"], i["purpose"]) for i in icons} >= {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        response = static_file(anon_client, icon["src"])
        assert response.status_code == 200 and icon["type"] == response.mimetype == "image/png"
        width, height = png_size(response.data)
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest_theme_icon_and_offline_script(anon_client, client):
    html = anon_client.get("/dang-nhap").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'<meta name="theme-color" content="{pwa.THEME_COLOUR}">' in html
    touch_icon = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html).group(1)
    assert png_size(static_file(anon_client, touch_icon).data) == (180, 180)
    assert re.search(r'<script src="/static/offline\.js[^"]*" defer\s+data-session="anonymous"', html)
    member_html = client.get("/").get_data(as_text=True)
    assert re.search(r'<script src="/static/offline\.js[^"]*" defer\s+data-session="member"', member_html)


def test_the_worker_is_served_from_the_root_and_always_revalidated(anon_client):
    response = anon_client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    cache_control = response.headers["Cache-Control"]
    assert "no-cache" in cache_control or "no-store" in cache_control
    assert "max-age" not in cache_control
    source = response.get_data(as_text=True)
    assert pwa.VERSION_PLACEHOLDER not in source and pwa.PRECACHE_PLACEHOLDER not in source
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', source)


def test_everything_the_worker_precaches_is_served(anon_client):
    source = anon_client.get("/sw.js").get_data(as_text=True)
    urls = re.findall(r'"(/[^"]+)"', re.search(r"const PRECACHE = (\[.*\]);", source).group(1))
    assert any(u.startswith("/static/handbook.css?v=") for u in urls)
    assert any(u.startswith("/static/offline.js?v=") for u in urls)
    for url in urls + ["/ngoai-tuyen"]:
        assert static_file(anon_client, url).status_code == 200, url


def test_the_worker_version_follows_what_it_precaches(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "sw.js").write_text(
        'const VERSION = "__HANDBOOK_WORKER_VERSION__";\nconst PRECACHE = ["__HANDBOOK_PRECACHE__"];\n'
    )
    template = tmp_path / "offline.html"
    template.write_text("<p>Ngoại tuyến</p>")

    def version(precache):
        source = pwa.worker_source(static, template, precache)
        return re.search(r'VERSION = "(\w+)"', source).group(1)

    first = version(["/static/a.css?v=1"])
    assert version(["/static/a.css?v=1"]) == first != version(["/static/a.css?v=2"])
    template.write_text("<p>Ngoại tuyến, bản mới</p>")
    assert version(["/static/a.css?v=1"]) != first


def test_the_offline_page_is_public_vietnamese_and_the_same_for_everyone(anon_client, client):
    anonymous = anon_client.get("/ngoai-tuyen")
    assert anonymous.status_code == 200
    html = anonymous.get_data(as_text=True)
    assert "Bạn đang ngoại tuyến" in html and 'id="van-ban-ngoai-tuyen"' in html
    assert 'data-session="offline"' in html and 'href="/"' in html
    # The worker stores it once for every visitor of the device: nothing personal in it.
    assert client.get("/ngoai-tuyen").get_data(as_text=True) == html


def test_the_keep_list_holds_the_members_campaign_documents(client, member, campaign):
    body = kept(client)
    assert body["user"] == member.id
    assert [d["slug"] for d in body["documents"]] == ["quy-dinh-37", "nghi-quyet-35"]
    first = body["documents"][0]
    assert first["url"] == "/van-ban/quy-dinh-37" and first["revision"] == 1
    assert first["title"] == "Về những điều đảng viên không được làm"


def test_the_keep_list_is_empty_without_a_campaign(client):
    assert kept(client)["documents"] == []


def test_a_new_revision_changes_only_that_documents_version(client, library, content_dir, campaign):
    before = {d["slug"]: d for d in kept(client)["documents"]}
    revise(library, content_dir, "quy-dinh-37")
    after = {d["slug"]: d for d in kept(client)["documents"]}
    assert after["quy-dinh-37"]["revision"] == 2
    assert after["quy-dinh-37"]["version"] != before["quy-dinh-37"]["version"]
    assert after["nghi-quyet-35"] == before["nghi-quyet-35"]


def test_a_restudy_edition_changes_the_version(client, library, content_dir, campaign):
    before = kept(client)["documents"][0]["version"]
    revise(library, content_dir, "quy-dinh-37", requires_restudy=True)
    after = kept(client)["documents"][0]
    assert after["version"] != before and after["revision"] == 2


def test_ended_campaigns_and_other_units_campaigns_are_not_kept(client, library, tree):
    make_campaign(library, [tree.cell_c], ["quy-dinh-37"], title="Đợt của chi bộ khác")
    make_campaign(
        library,
        [tree.cell_a],
        ["nghi-quyet-35"],
        title="Đợt đã kết thúc",
        opens_on=today() - timedelta(days=40),
        deadline=today() - timedelta(days=10),
    )
    make_campaign(
        library, [tree.cell_a], ["quy-dinh-47"], title="Đợt chưa mở", opens_on=today() + timedelta(days=3)
    )
    assert kept(client)["documents"] == []


def test_a_document_in_two_campaigns_is_kept_once(client, library, tree, campaign):
    make_campaign(library, [tree.cell_a], ["quy-dinh-37"], title="Đợt thứ hai")
    slugs = [d["slug"] for d in kept(client)["documents"]]
    assert sorted(slugs) == ["nghi-quyet-35", "quy-dinh-37"]


def test_each_member_gets_only_their_own_keep_list(library, tree, campaign, client):
    other = factories.make_user(library, "vo.thi.thu", cell=tree.cell_c)
    body = kept(login(library.test_client(), other.username))
    assert body == {"user": other.id, "documents": []}
    assert kept(client)["user"] != other.id


def test_the_keep_list_is_refused_to_anonymous_visitors(anon_client, campaign):
    response = anon_client.get("/ngoai-tuyen/van-ban.json")
    assert response.status_code == 401
    assert b"quy-dinh-37" not in response.data
    assert "no-store" in response.headers["Cache-Control"]


def test_the_keep_list_is_never_stored_by_the_browser(client, campaign):
    response = client.get("/ngoai-tuyen/van-ban.json")
    assert "no-store" in response.headers["Cache-Control"]


def test_an_unchanged_worker_costs_a_304(anon_client):
    first = anon_client.get("/sw.js")
    assert first.status_code == 200 and first.headers["ETag"]
    again = anon_client.get("/sw.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Cache-Control"] == "no-cache"
