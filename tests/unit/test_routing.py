"""url_for remembers the paths it builds in requests, and never a wrong one."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from werkzeug.routing import MapAdapter

from handbook.routing import Handbook

CALLS = [
    ("content.document", {"slug": "nghi-quyet-35-nq-tw"}),
    ("content.document", {"slug": "nghi-quyet-35-nq-tw", "_anchor": "dieu-5"}),
    ("content.index", {"trang": 2, "loai": "Nghị quyết"}),
    ("content.index", {"trang": True}),
    ("content.index", {"trang": 1}),
    ("search.results", {"q": "bảo vệ nền tảng tư tưởng"}),
    ("static", {"filename": "handbook.css"}),
    ("accounts.logout", {}),
]


def _built_by_flask(app, endpoint, values):
    values = dict(values)
    return Flask.url_for(app, endpoint, _anchor=values.pop("_anchor", None), **values)


def test_remembered_paths_equal_what_flask_builds(app):
    with app.test_request_context("/"):
        for _ in range(2):  # the second round comes from the memo
            for endpoint, values in CALLS:
                assert url_for(endpoint, **values) == _built_by_flask(app, endpoint, values)
        # 1 and True are equal keys to a dict, yet print differently.
        assert url_for("content.index", trang=True).endswith("trang=True")
        assert url_for("content.index", trang=1).endswith("trang=1")


def test_a_path_is_built_once(app, monkeypatch):
    builds = []
    original = MapAdapter.build

    def counting(self, *args, **kwargs):
        builds.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counting)
    with app.test_request_context("/"):
        first = url_for("content.document", slug="mot-van-ban")
    with app.test_request_context("/thong-bao"):
        again = url_for("content.document", slug="mot-van-ban")
        other = url_for("content.document", slug="van-ban-khac")
    assert first == again == "/van-ban/mot-van-ban"
    assert other == "/van-ban/van-ban-khac"
    assert builds == ["content.document", "content.document"]


def test_the_script_root_is_part_of_the_key(app):
    with app.test_request_context("/"):
        assert url_for("content.document", slug="a") == "/van-ban/a"
    with app.test_request_context("/", base_url="http://localhost/so-tay"):
        assert url_for("content.document", slug="a") == "/so-tay/van-ban/a"
    with app.test_request_context("/"):
        assert url_for("content.document", slug="a") == "/van-ban/a"


def test_external_urls_follow_the_request_host(app):
    with app.test_request_context("/", base_url="http://mot.example"):
        assert url_for("content.index", _external=True) == "http://mot.example/"
    with app.test_request_context("/", base_url="http://hai.example"):
        assert url_for("content.index", _external=True) == "http://hai.example/"


def test_relative_endpoints_follow_the_current_blueprint(app):
    with app.test_request_context("/van-ban/a"):
        assert url_for(".document", slug="b") == "/van-ban/b"
    with app.test_request_context("/tim-kiem"):
        assert url_for(".results", q="x") == "/tim-kiem?q=x"


def test_unhashable_values_are_built_without_the_memo(app):
    with app.test_request_context("/"):
        assert (
            url_for("search.results", loai=["Nghị quyết", "Quy định"])
            == "/tim-kiem?loai=Ngh%E1%BB%8B+quy%E1%BA%BFt&loai=Quy+%C4%91%E1%BB%8Bnh"
        )


def test_unknown_endpoints_still_fail_loudly(app):
    from werkzeug.routing import BuildError

    with app.test_request_context("/"), pytest.raises(BuildError):
        url_for("content.khong-co")


def test_the_memo_is_bounded(app):
    assert isinstance(app, Handbook)
    with app.test_request_context("/"):
        for n in range(Handbook.URL_MEMO_SIZE + 50):
            url_for("content.document", slug=f"van-ban-{n}")
    assert app._memo_path.cache_info().currsize == Handbook.URL_MEMO_SIZE
