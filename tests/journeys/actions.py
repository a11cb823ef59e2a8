"""What people do in the journeys, through HTTP as their browser sends it: a member
reads and confirms, an editor opens the edit form and publishes it, an administrator
transfers a member."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from werkzeug.datastructures import MultiDict

from handbook.accounts import tokens
from handbook.accounts.audit import Actor
from handbook.app_db import get_db, session
from handbook.clock import VIETNAM
from handbook.search import indexer
from handbook.search.views import POOL
from tests.unit.study.helpers import backdate_library

DWELL = 120  # seconds on each section: more than any test section needs
_earliest_read: list[datetime] = []  # start of the earliest reading laid on the time line
_event_ids = itertools.count(1)
_HEADING_ID = re.compile(r'<h[2-6][^>]* id="([^"]+)"')
_INPUT = re.compile(r"<input\b([^>]*)>")
_TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
_SELECT = re.compile(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
_OPTION = re.compile(r"<option\b([^>]*)>(.*?)</option>", re.S)
_ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def build_index(app) -> None:
    """The index as `flask handbook reindex` leaves it; searches see changes at once."""
    with app.app_context():
        indexer.rebuild(session(), Path(app.config["SEARCH_INDEX_DIR"]))
    app.extensions[POOL].refresh_seconds = 0


def sections_on_page(client, slug: str) -> list[str]:
    """The anchors reading.js would report for the document page: "" for any text
    before the first heading, then every heading with an id in the body."""
    page = client.get(f"/van-ban/{slug}")
    assert page.status_code == 200, slug
    body = page.get_data(as_text=True).split('<div class="doc-body">', 1)[1]
    body = body.split("</div>", 1)[0].strip()
    preamble = [] if body.startswith("<h") else [""]
    return [*preamble, *_HEADING_ID.findall(body)]


def read(client, slug: str, count: int | None = None) -> dict:
    """Stay on the first `count` sections (all by default) long enough, as the reading
    page reports it; returns the endpoint's progress summary for the document."""
    anchors = sections_on_page(client, slug)
    anchors = anchors if count is None else anchors[:count]
    ends = _reading_times(client.application, len(anchors))
    events = [
        {
            "id": f"journey-{next(_event_ids):08d}",
            "document": slug,
            "anchor": anchor,
            "seconds": DWELL,
            "occurred_at": end.isoformat(timespec="seconds"),
        }
        for anchor, end in zip(anchors, ends, strict=True)
    ]
    response = client.post(
        "/hoc-tap/tien-do", json={"events": events}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["documents"][slug]


def _reading_times(app, count: int) -> list[datetime]:
    """Ends of `count` events of DWELL seconds, one after another and before any laid
    so far: credit is bounded by real time, and a journey reads in milliseconds. The
    library is moved a month back, as if published then, to leave that time."""
    backdate_library(app)
    end = min([datetime.now(VIETNAM), *_earliest_read])
    ends = [end - timedelta(seconds=DWELL * i) for i in range(count)][::-1]
    _earliest_read[:] = [end - timedelta(seconds=DWELL * count)]
    return ends


def confirm(client, slug: str) -> None:
    """Press "Tôi đã học xong" on the document page."""
    response = client.post(f"/hoc-tap/van-ban/{slug}/hoc-xong")
    assert response.status_code == 302
    page = client.get(f"/van-ban/{slug}").get_data(as_text=True)
    assert "Bạn đã học xong văn bản này" in page, "the confirmation was refused"


def study(client, slug: str) -> None:
    """Read the whole document, then confirm."""
    assert read(client, slug)["percent"] == 100
    confirm(client, slug)


def transfer(admin, user_id: int, cell_code: str) -> None:
    """The administrator's "Chuyển sinh hoạt đảng" form on the member's page."""
    response = admin.post(
        f"/quan-tri/dang-vien/{user_id}/chuyen-sinh-hoat",
        data={"ma_chi_bo": cell_code},
        follow_redirects=True,
    )
    assert "Đã chuyển sinh hoạt đảng." in response.get_data(as_text=True)


def _attrs(raw: str) -> dict[str, str]:
    return {name: html.unescape(value or "") for name, value in _ATTR.findall(raw)}


def form_fields(page: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would send for the editor's form, unchanged:
    inputs (checkboxes only when checked), the selected option of each select (the
    first when none is), textareas. The buttons are left to the caller."""
    form = page.split('id="_bieu-mau-bien-tap"', 1)[1].split("</form>", 1)[0]
    fields = []
    for raw in _INPUT.findall(form):
        attrs = _attrs(raw)
        if "name" not in attrs or attrs.get("type") in ("submit", "datetime-local"):
            continue
        if attrs.get("type") == "checkbox" and "checked" not in attrs:
            continue
        fields.append((attrs["name"], attrs.get("value", "")))
    for name, options in _SELECT.findall(form):
        choices = [(_attrs(raw), html.unescape(label)) for raw, label in _OPTION.findall(options)]
        chosen = next((c for c in choices if "selected" in c[0]), choices[0])
        fields.append((name, chosen[0].get("value", chosen[1])))
    for name, value in _TEXTAREA.findall(form):
        # Browsers drop the one newline that may follow <textarea>.
        fields.append((name, html.unescape(value).removeprefix("\n")))
    return fields


def publish_edit(editor, slug: str, *, restudy: bool = False, **changes: str | Callable[[str], str]) -> None:
    """Open the document in the editor, change some fields (to a value, or by a function
    of the value shown), tick "yêu cầu học lại" if asked, press "Xuất bản"."""
    page = editor.get(f"/bien-tap/van-ban/{slug}")
    assert page.status_code == 200
    fields = []
    for name, value in form_fields(page.get_data(as_text=True)):
        change = changes.pop(name, value)
        fields.append((name, change(value) if callable(change) else change))
    assert not changes, f"no such fields on the form: {sorted(changes)}"
    if restudy:
        fields.append(("hoc_lai", "1"))
    _publish(editor, f"/bien-tap/van-ban/{slug}", [*fields, ("hanh_dong", "xuat-ban")])


def publish_new(editor, fields: dict[str, str], relations: list[tuple[str, str]] = ()) -> None:
    """Fill the new-document form ("Soạn văn bản mới"), press "Xuất bản"."""
    page = editor.get("/bien-tap/moi").get_data(as_text=True)
    sent = dict(form_fields(page))
    sent.update(fields)
    posted = [
        (name, value) for name, value in sent.items() if name not in ("quan_he_loai", "quan_he_so_hieu")
    ]
    for kind, number in relations:
        posted += [("quan_he_loai", kind), ("quan_he_so_hieu", number)]
    _publish(editor, "/bien-tap/moi", [*posted, ("hanh_dong", "xuat-ban")])


def _publish(editor, url: str, fields: list[tuple[str, str]]) -> None:
    response = editor.post(url, data=MultiDict(fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    follow = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã xuất bản văn bản." in follow


def api_headers(app, user_id: int) -> dict:
    """The Authorization header of a device signed in to the app (as the bearers fixture
    makes it: the API's sign-in would need a second one-time code in the same minute)."""
    with app.app_context(), get_db(app).transaction() as tx:
        token, _ = tokens.issue(tx, Actor.system("test"), user_id, "journey", days=1)
    return {"Authorization": f"Bearer {token}"}
