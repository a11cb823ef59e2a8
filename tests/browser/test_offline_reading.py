"""Offline reading in a real browser: the service worker keeps documents readable with
no network at all (page offline and server down), reading progress made offline
reaches the server exactly once, and nothing stays on the device after logout."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select, update

from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.study.models import Campaign, ReadingEvent, SectionRead
from tests.browser.helpers import (
    cached_documents,
    cached_paths,
    cached_text,
    go_offline,
    go_online,
    sign_in_as,
    sign_out,
    wait_for_worker,
    wait_until,
)
from tests.unit.study.helpers import make_campaign, revise

LONG = "huong-dan-12"  # tests/browser/content: six sections, several screens on a phone
LONG_TITLE = "Về tổ chức học tập, quán triệt văn bản của Đảng tại chi bộ"
QUEUE = "JSON.parse(localStorage.getItem('handbook.reading.' + {user}) || '[]')"


def stored_reading(app, user_id: int) -> tuple[list, dict[str, int]]:
    """(client id, anchor, seconds) of every stored event, and credited seconds by anchor."""
    with app.app_context(), get_db(app).sessions() as db:
        events = db.execute(
            select(ReadingEvent.client_event_id, ReadingEvent.anchor, ReadingEvent.seconds).where(
                ReadingEvent.user_id == user_id
            )
        ).all()
        reads = db.execute(
            select(SectionRead.anchor, SectionRead.seconds).where(SectionRead.user_id == user_id)
        ).all()
    return [tuple(e) for e in events], {anchor: seconds for anchor, seconds in reads}


def read_slowly(page, seconds: float) -> None:
    """Scroll down through the article a little every second, like a reader."""
    height = page.evaluate(
        "document.querySelector('.doc-body').getBoundingClientRect().bottom"
        " + window.scrollY - window.innerHeight"
    )
    steps = int(seconds)
    for _ in range(steps):
        page.mouse.wheel(0, max(1, height // steps))
        time.sleep(1)


def test_progress_read_offline_is_stored_once_when_back_online(context, page, live_server, live_app, reader):
    context.clock.install()  # page timers keep real time until paused below
    sign_in_as(page, reader)
    wait_for_worker(page)
    page.goto(f"/van-ban/{LONG}")
    wait_until(lambda: f"/van-ban/{LONG}" in cached_documents(page))

    go_offline(context, live_server)
    page.reload()
    assert page.locator("article h1").inner_text() == LONG_TITLE
    below_the_fold = "document.getElementById('muc-6-bao-cao-ket-qua').getBoundingClientRect().top"
    assert page.evaluate(below_the_fold) > 3 * page.viewport_size["height"]
    assert "chi bộ theo dõi đến khi tất cả đảng viên hoàn thành" in page.locator(".doc-body").inner_text()
    read_slowly(page, 21)
    # Stop the page's clock: no new reading is measured while the queue is checked.
    context.clock.pause_at(page.evaluate("Date.now()") + 500)
    queued = page.evaluate(QUEUE.format(user=reader.id))
    assert len({e["anchor"] for e in queued}) >= 3, queued  # several sections read
    assert {e["document"] for e in queued} == {LONG}
    assert stored_reading(live_app, reader.id) == ([], {})

    go_online(context, live_server)
    wait_until(lambda: not page.evaluate(QUEUE.format(user=reader.id)))
    events, credited = stored_reading(live_app, reader.id)
    assert len(events) == len({client_id for client_id, _, _ in events})
    assert sorted(events) == sorted((e["id"], e["anchor"], e["seconds"]) for e in queued)
    for anchor in {a for _, a, _ in events}:
        assert credited[anchor] == sum(s for _, a, s in events if a == anchor)
    assert sum(credited.values()) == sum(e["seconds"] for e in queued)


def test_a_campaign_document_never_opened_is_readable_offline(context, page, live_server, live_app, reader):
    make_campaign(live_app, [reader.cell], ["nghi-quyet-35"])
    sign_in_as(page, reader)
    wait_for_worker(page)
    wait_until(lambda: cached_documents(page) == ["/van-ban/nghi-quyet-35"])
    for path in ("/hoc-tap", "/tai-khoan", "/thong-bao", "/tim-kiem?q=đảng viên"):
        page.goto(path)
    stored = [p for p in cached_paths(page) if not p.startswith("/static/")]
    assert set(stored) <= {"/van-ban/nghi-quyet-35", "/ngoai-tuyen", "/ngoai-tuyen/.trang-thai"}, stored

    go_offline(context, live_server)
    page.goto("/van-ban/nghi-quyet-35")
    assert page.locator("article h1").inner_text() == "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng"
    assert page.get_by_text("Đảng viên học tập, quán triệt nghị quyết trên mạng xã hội.").is_visible()
    page.goto("/hoc-tap")  # never kept: the offline page lists what is
    assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
    link = page.locator("#van-ban-ngoai-tuyen a")
    link.wait_for()
    assert link.get_attribute("href") == "/van-ban/nghi-quyet-35"


def test_a_new_revision_replaces_the_kept_copy(context, page, live_server, live_app, reader):
    make_campaign(live_app, [reader.cell], ["quy-dinh-37"])
    sign_in_as(page, reader)
    wait_for_worker(page)
    wait_until(lambda: cached_documents(page) == ["/van-ban/quy-dinh-37"])
    revise(
        live_app,
        Path(live_app.config["CONTENT_DIR"]),
        "quy-dinh-37",
        extra="\n\nĐoạn bổ sung của lần sửa mới.",
    )
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'sync', force: true})")
    wait_until(lambda: "Đoạn bổ sung của lần sửa mới." in cached_text(page, "/van-ban/quy-dinh-37"))


def test_logging_out_leaves_no_document_page_on_the_device(context, page, live_server, live_app, reader):
    make_campaign(live_app, [reader.cell], ["nghi-quyet-35"])
    sign_in_as(page, reader)
    wait_for_worker(page)
    page.goto(f"/van-ban/{LONG}")
    wait_until(lambda: cached_documents(page) == ["/van-ban/huong-dan-12", "/van-ban/nghi-quyet-35"])

    sign_out(page)
    wait_until(lambda: cached_documents(page) == [])
    assert cached_text(page, f"/van-ban/{LONG}") is None
    go_offline(context, live_server)
    page.goto(f"/van-ban/{LONG}")
    assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
    assert LONG_TITLE not in page.content()


def test_logging_out_with_no_network_still_clears_the_device(context, page, live_server, reader):
    sign_in_as(page, reader)
    wait_for_worker(page)
    page.goto(f"/van-ban/{LONG}")
    wait_until(lambda: cached_documents(page) == ["/van-ban/huong-dan-12"])

    go_offline(context, live_server)
    with page.expect_event("framenavigated", lambda frame: frame.url.startswith("chrome-error:")):
        page.click(".logout-form button", no_wait_after=True)  # the worker sees the POST; it fails
    page.goto("/ngoai-tuyen")  # served by the worker, which keeps it for everyone
    wait_until(lambda: cached_documents(page) == [])
    page.reload()
    assert page.locator("#van-ban-ngoai-tuyen li.muted").inner_text().startswith("Máy này chưa lưu")


def test_a_document_no_longer_kept_leaves_the_device_unless_it_was_opened(
    context, page, live_server, live_app, reader
):
    campaign = make_campaign(live_app, [reader.cell], ["nghi-quyet-35", LONG])
    sign_in_as(page, reader)
    wait_for_worker(page)
    page.goto(f"/van-ban/{LONG}")
    wait_until(lambda: cached_documents(page) == ["/van-ban/huong-dan-12", "/van-ban/nghi-quyet-35"])
    with live_app.app_context(), get_db(live_app).transaction() as tx:
        tx.execute(update(Campaign).where(Campaign.id == campaign.id).values(ends_at=utcnow()))
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'sync', force: true})")
    wait_until(lambda: cached_documents(page) == ["/van-ban/huong-dan-12"])
